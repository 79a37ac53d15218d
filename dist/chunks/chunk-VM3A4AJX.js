import { createRequire as __iostormCreateRequire } from 'node:module'; const require = __iostormCreateRequire(import.meta.url);

// src/errors.ts
function errorMessage(error) {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}

export {
  errorMessage
};
