// The serialized provider of the Team resource (see provider/shell.ts). Generated from api/ by `npm run generate`: do not edit. Being a module's
// exports, it is stored in a program's state as `require("orgs/provider/shells/team")` when the package is
// installed in the program's node_modules (a few hundred bytes), and by value otherwise.
import { dynamicProvider } from "../shell";

export = dynamicProvider("team");
