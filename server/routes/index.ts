// Every operation of the route table, with its handler. A missing one fails to compile.
import type { Handlers } from "../context";
import { accountHandlers } from "./accounts";
import { organizationHandlers } from "./organizations";
import { memberHandlers } from "./members";
import { invitationHandlers } from "./invitations";
import { roleHandlers } from "./roles";
import { teamHandlers } from "./teams";
import { projectHandlers } from "./projects";
import { projectAccessHandlers } from "./project-access";
import { tokenHandlers } from "./tokens";
import { auditHandlers } from "./audit-events";
import { sessionHandlers } from "./sessions";
import { memberSetHandlers } from "./member-sets";
import { accessSetHandlers } from "./access-sets";

export const handlers: Handlers = {
  ...accountHandlers,
  ...organizationHandlers,
  ...memberHandlers,
  ...invitationHandlers,
  ...roleHandlers,
  ...teamHandlers,
  ...projectHandlers,
  ...projectAccessHandlers,
  ...tokenHandlers,
  ...auditHandlers,
  ...sessionHandlers,
  ...memberSetHandlers,
  ...accessSetHandlers,
};
