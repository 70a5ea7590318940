// Organizations as code: organizations, projects, roles, teams, members and project access on an orgs server. Generated from api/ by `npm run generate`: do not edit.
package orgs
