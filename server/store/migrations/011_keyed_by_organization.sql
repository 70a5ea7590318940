-- Every row of an organization's data carries organization_id, so that the tables can be
-- distributed by it (README "Past one PostgreSQL"): member_roles and team_members were keyed by
-- member and team only, environments and project_access by project only. The column is filled
-- from the parent row by a trigger, so the writers need not name it, and follows a project that
-- moves to another organization (a transfer keeps the project's ID, environments and grants).
ALTER TABLE member_roles ADD COLUMN organization_id text;
UPDATE member_roles x SET organization_id = m.organization_id FROM members m WHERE m.id = x.member_id;
ALTER TABLE member_roles ALTER COLUMN organization_id SET NOT NULL;

ALTER TABLE team_members ADD COLUMN organization_id text;
UPDATE team_members x SET organization_id = t.organization_id FROM teams t WHERE t.id = x.team_id;
ALTER TABLE team_members ALTER COLUMN organization_id SET NOT NULL;

ALTER TABLE environments ADD COLUMN organization_id text;
UPDATE environments x SET organization_id = p.organization_id FROM projects p WHERE p.id = x.project_id;
ALTER TABLE environments ALTER COLUMN organization_id SET NOT NULL;

ALTER TABLE project_access ADD COLUMN organization_id text;
UPDATE project_access x SET organization_id = p.organization_id FROM projects p WHERE p.id = x.project_id;
ALTER TABLE project_access ALTER COLUMN organization_id SET NOT NULL;

CREATE FUNCTION orgs_member_org() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.organization_id := (SELECT organization_id FROM members WHERE id = NEW.member_id);
  RETURN NEW;
END $$;
CREATE FUNCTION orgs_team_org() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.organization_id := (SELECT organization_id FROM teams WHERE id = NEW.team_id);
  RETURN NEW;
END $$;
CREATE FUNCTION orgs_project_org() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.organization_id := (SELECT organization_id FROM projects WHERE id = NEW.project_id);
  RETURN NEW;
END $$;
CREATE FUNCTION orgs_project_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE environments SET organization_id = NEW.organization_id WHERE project_id = NEW.id;
  UPDATE project_access SET organization_id = NEW.organization_id WHERE project_id = NEW.id;
  RETURN NEW;
END $$;

CREATE TRIGGER member_roles_org BEFORE INSERT ON member_roles FOR EACH ROW WHEN (NEW.organization_id IS NULL) EXECUTE FUNCTION orgs_member_org();
CREATE TRIGGER team_members_org BEFORE INSERT ON team_members FOR EACH ROW WHEN (NEW.organization_id IS NULL) EXECUTE FUNCTION orgs_team_org();
CREATE TRIGGER environments_org BEFORE INSERT ON environments FOR EACH ROW WHEN (NEW.organization_id IS NULL) EXECUTE FUNCTION orgs_project_org();
CREATE TRIGGER project_access_org BEFORE INSERT ON project_access FOR EACH ROW WHEN (NEW.organization_id IS NULL) EXECUTE FUNCTION orgs_project_org();
CREATE TRIGGER projects_moved AFTER UPDATE OF organization_id ON projects FOR EACH ROW WHEN (OLD.organization_id IS DISTINCT FROM NEW.organization_id)
  EXECUTE FUNCTION orgs_project_moved();
