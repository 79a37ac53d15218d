import { createRequire as __iostormCreateRequire } from 'node:module'; const require = __iostormCreateRequire(import.meta.url);
import {
  CONNECT_TIMEOUT_MS,
  DatabaseError,
  STATEMENT_TIMEOUT_MS,
  connect,
  describeServer,
  quoteIdentifier,
  serverOf
} from "./chunk-3QD4LOCA.js";
import "./chunk-VM3A4AJX.js";
import "./chunk-R5PPZ6LI.js";
export {
  CONNECT_TIMEOUT_MS,
  DatabaseError,
  STATEMENT_TIMEOUT_MS,
  connect,
  describeServer,
  quoteIdentifier,
  serverOf
};
