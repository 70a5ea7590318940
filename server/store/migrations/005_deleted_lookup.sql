-- A deleted organization or project is known by its audit event (kept for the life of the server):
-- a lookup of its ID can then answer 404 `deleted` instead of `not_found`, which is what lets a
-- client tell "deleted" from "not visible to me" (a Pulumi refresh drops only the first).
CREATE INDEX audit_events_deleted ON audit_events ((target->>'id')) WHERE action IN ('organization.deleted', 'project.deleted');
