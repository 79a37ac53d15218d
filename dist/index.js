import { createRequire as __iostormCreateRequire } from 'node:module'; const require = __iostormCreateRequire(import.meta.url);
import {
  require_yauzl
} from "./chunks/chunk-B7LCP4EC.js";
import {
  DEFAULT_OPTIONS,
  DEFAULT_TICK_THREAD,
  EventsFileError,
  FLOOR_MS,
  MSPT_METRICS,
  WAIT_SYSCALLS,
  analyseFile
} from "./chunks/chunk-6ZJ7LJIF.js";
import {
  BUILT_IN_LIBRARY_PLUGINS,
  NOT_PLUGIN_PREFIXES,
  RegistryError,
  parseRegistry
} from "./chunks/chunk-AVHGB52F.js";
import {
  errorMessage
} from "./chunks/chunk-VM3A4AJX.js";
import {
  debug,
  defaults,
  error,
  getBooleanInput,
  getInput,
  getOctokit,
  info,
  notice,
  require_light,
  retry,
  setFailed,
  setOutput,
  summary,
  warning
} from "./chunks/chunk-DJGGIQDM.js";
import {
  __commonJS,
  __toESM
} from "./chunks/chunk-R5PPZ6LI.js";

// node_modules/picomatch/lib/constants.js
var require_constants = __commonJS({
  "node_modules/picomatch/lib/constants.js"(exports, module) {
    "use strict";
    var WIN_SLASH = "\\\\/";
    var WIN_NO_SLASH = `[^${WIN_SLASH}]`;
    var DEFAULT_MAX_EXTGLOB_RECURSION = 0;
    var DOT_LITERAL = "\\.";
    var PLUS_LITERAL = "\\+";
    var QMARK_LITERAL = "\\?";
    var SLASH_LITERAL = "\\/";
    var ONE_CHAR = "(?=.)";
    var QMARK = "[^/]";
    var END_ANCHOR = `(?:${SLASH_LITERAL}|$)`;
    var START_ANCHOR = `(?:^|${SLASH_LITERAL})`;
    var DOTS_SLASH = `${DOT_LITERAL}{1,2}${END_ANCHOR}`;
    var NO_DOT = `(?!${DOT_LITERAL})`;
    var NO_DOTS = `(?!${START_ANCHOR}${DOTS_SLASH})`;
    var NO_DOT_SLASH = `(?!${DOT_LITERAL}{0,1}${END_ANCHOR})`;
    var NO_DOTS_SLASH = `(?!${DOTS_SLASH})`;
    var QMARK_NO_DOT = `[^.${SLASH_LITERAL}]`;
    var STAR = `${QMARK}*?`;
    var SEP = "/";
    var POSIX_CHARS = {
      DOT_LITERAL,
      PLUS_LITERAL,
      QMARK_LITERAL,
      SLASH_LITERAL,
      ONE_CHAR,
      QMARK,
      END_ANCHOR,
      DOTS_SLASH,
      NO_DOT,
      NO_DOTS,
      NO_DOT_SLASH,
      NO_DOTS_SLASH,
      QMARK_NO_DOT,
      STAR,
      START_ANCHOR,
      SEP
    };
    var WINDOWS_CHARS = {
      ...POSIX_CHARS,
      SLASH_LITERAL: `[${WIN_SLASH}]`,
      QMARK: WIN_NO_SLASH,
      STAR: `${WIN_NO_SLASH}*?`,
      DOTS_SLASH: `${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$)`,
      NO_DOT: `(?!${DOT_LITERAL})`,
      NO_DOTS: `(?!(?:^|[${WIN_SLASH}])${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$))`,
      NO_DOT_SLASH: `(?!${DOT_LITERAL}{0,1}(?:[${WIN_SLASH}]|$))`,
      NO_DOTS_SLASH: `(?!${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$))`,
      QMARK_NO_DOT: `[^.${WIN_SLASH}]`,
      START_ANCHOR: `(?:^|[${WIN_SLASH}])`,
      END_ANCHOR: `(?:[${WIN_SLASH}]|$)`,
      SEP: "\\"
    };
    var POSIX_REGEX_SOURCE = {
      __proto__: null,
      alnum: "a-zA-Z0-9",
      alpha: "a-zA-Z",
      ascii: "\\x00-\\x7F",
      blank: " \\t",
      cntrl: "\\x00-\\x1F\\x7F",
      digit: "0-9",
      graph: "\\x21-\\x7E",
      lower: "a-z",
      print: "\\x20-\\x7E ",
      punct: "\\-!\"#$%&'()\\*+,./:;<=>?@[\\]^_`{|}~",
      space: " \\t\\r\\n\\v\\f",
      upper: "A-Z",
      word: "A-Za-z0-9_",
      xdigit: "A-Fa-f0-9"
    };
    module.exports = {
      DEFAULT_MAX_EXTGLOB_RECURSION,
      MAX_LENGTH: 1024 * 64,
      POSIX_REGEX_SOURCE,
      // regular expressions
      REGEX_BACKSLASH: /\\(?![*+?^${}(|)[\]])/g,
      REGEX_NON_SPECIAL_CHARS: /^[^@![\].,$*+?^{}()|\\/]+/,
      REGEX_SPECIAL_CHARS: /[-*+?.^${}(|)[\]]/,
      REGEX_SPECIAL_CHARS_BACKREF: /(\\?)((\W)(\3*))/g,
      REGEX_SPECIAL_CHARS_GLOBAL: /([-*+?.^${}(|)[\]])/g,
      REGEX_REMOVE_BACKSLASH: /(?:\[.*?[^\\]\]|\\(?=.))/g,
      // Replace globs with equivalent patterns to reduce parsing time.
      REPLACEMENTS: {
        __proto__: null,
        "***": "*",
        "**/**": "**",
        "**/**/**": "**"
      },
      // Digits
      CHAR_0: 48,
      /* 0 */
      CHAR_9: 57,
      /* 9 */
      // Alphabet chars.
      CHAR_UPPERCASE_A: 65,
      /* A */
      CHAR_LOWERCASE_A: 97,
      /* a */
      CHAR_UPPERCASE_Z: 90,
      /* Z */
      CHAR_LOWERCASE_Z: 122,
      /* z */
      CHAR_LEFT_PARENTHESES: 40,
      /* ( */
      CHAR_RIGHT_PARENTHESES: 41,
      /* ) */
      CHAR_ASTERISK: 42,
      /* * */
      // Non-alphabetic chars.
      CHAR_AMPERSAND: 38,
      /* & */
      CHAR_AT: 64,
      /* @ */
      CHAR_BACKWARD_SLASH: 92,
      /* \ */
      CHAR_CARRIAGE_RETURN: 13,
      /* \r */
      CHAR_CIRCUMFLEX_ACCENT: 94,
      /* ^ */
      CHAR_COLON: 58,
      /* : */
      CHAR_COMMA: 44,
      /* , */
      CHAR_DOT: 46,
      /* . */
      CHAR_DOUBLE_QUOTE: 34,
      /* " */
      CHAR_EQUAL: 61,
      /* = */
      CHAR_EXCLAMATION_MARK: 33,
      /* ! */
      CHAR_FORM_FEED: 12,
      /* \f */
      CHAR_FORWARD_SLASH: 47,
      /* / */
      CHAR_GRAVE_ACCENT: 96,
      /* ` */
      CHAR_HASH: 35,
      /* # */
      CHAR_HYPHEN_MINUS: 45,
      /* - */
      CHAR_LEFT_ANGLE_BRACKET: 60,
      /* < */
      CHAR_LEFT_CURLY_BRACE: 123,
      /* { */
      CHAR_LEFT_SQUARE_BRACKET: 91,
      /* [ */
      CHAR_LINE_FEED: 10,
      /* \n */
      CHAR_NO_BREAK_SPACE: 160,
      /* \u00A0 */
      CHAR_PERCENT: 37,
      /* % */
      CHAR_PLUS: 43,
      /* + */
      CHAR_QUESTION_MARK: 63,
      /* ? */
      CHAR_RIGHT_ANGLE_BRACKET: 62,
      /* > */
      CHAR_RIGHT_CURLY_BRACE: 125,
      /* } */
      CHAR_RIGHT_SQUARE_BRACKET: 93,
      /* ] */
      CHAR_SEMICOLON: 59,
      /* ; */
      CHAR_SINGLE_QUOTE: 39,
      /* ' */
      CHAR_SPACE: 32,
      /*   */
      CHAR_TAB: 9,
      /* \t */
      CHAR_UNDERSCORE: 95,
      /* _ */
      CHAR_VERTICAL_LINE: 124,
      /* | */
      CHAR_ZERO_WIDTH_NOBREAK_SPACE: 65279,
      /* \uFEFF */
      /**
       * Create EXTGLOB_CHARS
       */
      extglobChars(chars) {
        return {
          "!": { type: "negate", open: "(?:(?!(?:", close: `))${chars.STAR})` },
          "?": { type: "qmark", open: "(?:", close: ")?" },
          "+": { type: "plus", open: "(?:", close: ")+" },
          "*": { type: "star", open: "(?:", close: ")*" },
          "@": { type: "at", open: "(?:", close: ")" }
        };
      },
      /**
       * Create GLOB_CHARS
       */
      globChars(win32) {
        return win32 === true ? WINDOWS_CHARS : POSIX_CHARS;
      }
    };
  }
});

// node_modules/picomatch/lib/utils.js
var require_utils = __commonJS({
  "node_modules/picomatch/lib/utils.js"(exports) {
    "use strict";
    var {
      REGEX_BACKSLASH,
      REGEX_REMOVE_BACKSLASH,
      REGEX_SPECIAL_CHARS,
      REGEX_SPECIAL_CHARS_GLOBAL
    } = require_constants();
    exports.isObject = (val) => val !== null && typeof val === "object" && !Array.isArray(val);
    exports.hasRegexChars = (str) => REGEX_SPECIAL_CHARS.test(str);
    exports.isRegexChar = (str) => str.length === 1 && exports.hasRegexChars(str);
    exports.escapeRegex = (str) => str.replace(REGEX_SPECIAL_CHARS_GLOBAL, "\\$1");
    exports.toPosixSlashes = (str) => str.replace(REGEX_BACKSLASH, "/");
    exports.isWindows = () => {
      if (typeof navigator !== "undefined" && navigator.platform) {
        const platform = navigator.platform.toLowerCase();
        return platform === "win32" || platform === "windows";
      }
      if (typeof process !== "undefined" && process.platform) {
        return process.platform === "win32";
      }
      return false;
    };
    exports.removeBackslashes = (str) => {
      return str.replace(REGEX_REMOVE_BACKSLASH, (match) => {
        return match === "\\" ? "" : match;
      });
    };
    exports.escapeLast = (input, char, lastIdx) => {
      const idx = input.lastIndexOf(char, lastIdx);
      if (idx === -1) return input;
      if (input[idx - 1] === "\\") return exports.escapeLast(input, char, idx - 1);
      return `${input.slice(0, idx)}\\${input.slice(idx)}`;
    };
    exports.removePrefix = (input, state = {}) => {
      let output = input;
      if (output.startsWith("./")) {
        output = output.slice(2);
        state.prefix = "./";
      }
      return output;
    };
    exports.wrapOutput = (input, state = {}, options = {}) => {
      const prepend = options.contains ? "" : "^";
      const append = options.contains ? "" : "$";
      let output = `${prepend}(?:${input})${append}`;
      if (state.negated === true) {
        output = `(?:^(?!${output}).*$)`;
      }
      return output;
    };
    exports.basename = (path, { windows } = {}) => {
      const segs = path.split(windows ? /[\\/]/ : "/");
      const last = segs[segs.length - 1];
      if (last === "") {
        return segs[segs.length - 2];
      }
      return last;
    };
  }
});

// node_modules/picomatch/lib/scan.js
var require_scan = __commonJS({
  "node_modules/picomatch/lib/scan.js"(exports, module) {
    "use strict";
    var utils = require_utils();
    var {
      CHAR_ASTERISK,
      /* * */
      CHAR_AT,
      /* @ */
      CHAR_BACKWARD_SLASH,
      /* \ */
      CHAR_COMMA,
      /* , */
      CHAR_DOT,
      /* . */
      CHAR_EXCLAMATION_MARK,
      /* ! */
      CHAR_FORWARD_SLASH,
      /* / */
      CHAR_LEFT_CURLY_BRACE,
      /* { */
      CHAR_LEFT_PARENTHESES,
      /* ( */
      CHAR_LEFT_SQUARE_BRACKET,
      /* [ */
      CHAR_PLUS,
      /* + */
      CHAR_QUESTION_MARK,
      /* ? */
      CHAR_RIGHT_CURLY_BRACE,
      /* } */
      CHAR_RIGHT_PARENTHESES,
      /* ) */
      CHAR_RIGHT_SQUARE_BRACKET
      /* ] */
    } = require_constants();
    var isPathSeparator = (code) => {
      return code === CHAR_FORWARD_SLASH || code === CHAR_BACKWARD_SLASH;
    };
    var depth = (token) => {
      if (token.isPrefix !== true) {
        token.depth = token.isGlobstar ? Infinity : 1;
      }
    };
    var scan = (input, options) => {
      const opts = options || {};
      const length = input.length - 1;
      const scanToEnd = opts.parts === true || opts.tokens === true || opts.scanToEnd === true;
      const slashes = [];
      const tokens = [];
      const parts = [];
      let str = input;
      let index = -1;
      let start = 0;
      let lastIndex = 0;
      let isBrace = false;
      let isBracket = false;
      let isGlob = false;
      let isExtglob = false;
      let isGlobstar = false;
      let braceEscaped = false;
      let backslashes = false;
      let negated = false;
      let negatedExtglob = false;
      let finished = false;
      let braces = 0;
      let prev;
      let code;
      let token = { value: "", depth: 0, isGlob: false };
      const eos = () => index >= length;
      const peek = () => str.charCodeAt(index + 1);
      const advance = () => {
        prev = code;
        return str.charCodeAt(++index);
      };
      while (index < length) {
        code = advance();
        let next;
        if (code === CHAR_BACKWARD_SLASH) {
          backslashes = token.backslashes = true;
          code = advance();
          if (code === CHAR_LEFT_CURLY_BRACE) {
            braceEscaped = true;
          }
          continue;
        }
        if (braceEscaped === true || code === CHAR_LEFT_CURLY_BRACE) {
          braces++;
          while (eos() !== true && (code = advance())) {
            if (code === CHAR_BACKWARD_SLASH) {
              backslashes = token.backslashes = true;
              advance();
              continue;
            }
            if (code === CHAR_LEFT_CURLY_BRACE) {
              braces++;
              continue;
            }
            if (braceEscaped !== true && code === CHAR_DOT && (code = advance()) === CHAR_DOT) {
              isBrace = token.isBrace = true;
              isGlob = token.isGlob = true;
              finished = true;
              if (scanToEnd === true) {
                continue;
              }
              break;
            }
            if (braceEscaped !== true && code === CHAR_COMMA) {
              isBrace = token.isBrace = true;
              isGlob = token.isGlob = true;
              finished = true;
              if (scanToEnd === true) {
                continue;
              }
              break;
            }
            if (code === CHAR_RIGHT_CURLY_BRACE) {
              braces--;
              if (braces === 0) {
                braceEscaped = false;
                isBrace = token.isBrace = true;
                finished = true;
                break;
              }
            }
          }
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (code === CHAR_FORWARD_SLASH) {
          slashes.push(index);
          tokens.push(token);
          token = { value: "", depth: 0, isGlob: false };
          if (finished === true) continue;
          if (prev === CHAR_DOT && index === start + 1) {
            start += 2;
            continue;
          }
          lastIndex = index + 1;
          continue;
        }
        if (opts.noext !== true) {
          const isExtglobChar = code === CHAR_PLUS || code === CHAR_AT || code === CHAR_ASTERISK || code === CHAR_QUESTION_MARK || code === CHAR_EXCLAMATION_MARK;
          if (isExtglobChar === true && peek() === CHAR_LEFT_PARENTHESES) {
            isGlob = token.isGlob = true;
            isExtglob = token.isExtglob = true;
            finished = true;
            if (code === CHAR_EXCLAMATION_MARK && index === start) {
              negatedExtglob = true;
            }
            if (scanToEnd === true) {
              let parens = 0;
              while (eos() !== true && (code = advance())) {
                if (code === CHAR_BACKWARD_SLASH) {
                  backslashes = token.backslashes = true;
                  advance();
                  continue;
                }
                if (code === CHAR_LEFT_PARENTHESES) {
                  parens++;
                  continue;
                }
                if (code === CHAR_RIGHT_PARENTHESES && --parens === 0) {
                  finished = true;
                  break;
                }
              }
              continue;
            }
            break;
          }
        }
        if (code === CHAR_ASTERISK) {
          if (prev === CHAR_ASTERISK) isGlobstar = token.isGlobstar = true;
          isGlob = token.isGlob = true;
          finished = true;
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (code === CHAR_QUESTION_MARK) {
          isGlob = token.isGlob = true;
          finished = true;
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (code === CHAR_LEFT_SQUARE_BRACKET) {
          while (eos() !== true && (next = advance())) {
            if (next === CHAR_BACKWARD_SLASH) {
              backslashes = token.backslashes = true;
              advance();
              continue;
            }
            if (next === CHAR_RIGHT_SQUARE_BRACKET) {
              isBracket = token.isBracket = true;
              isGlob = token.isGlob = true;
              finished = true;
              break;
            }
          }
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (opts.nonegate !== true && code === CHAR_EXCLAMATION_MARK && index === start) {
          negated = token.negated = true;
          start++;
          continue;
        }
        if (opts.noparen !== true && code === CHAR_LEFT_PARENTHESES) {
          isGlob = token.isGlob = true;
          if (scanToEnd === true) {
            let parens = 1;
            while (eos() !== true && (code = advance())) {
              if (code === CHAR_BACKWARD_SLASH) {
                backslashes = token.backslashes = true;
                advance();
                continue;
              }
              if (code === CHAR_LEFT_PARENTHESES) {
                parens++;
                continue;
              }
              if (code === CHAR_RIGHT_PARENTHESES && --parens === 0) {
                finished = true;
                break;
              }
            }
            continue;
          }
          break;
        }
        if (isGlob === true) {
          finished = true;
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
      }
      if (opts.noext === true) {
        isExtglob = false;
        isGlob = false;
      }
      let base = str;
      let prefix = "";
      let glob = "";
      if (start > 0) {
        prefix = str.slice(0, start);
        str = str.slice(start);
        lastIndex -= start;
      }
      if (base && isGlob === true && lastIndex > 0) {
        base = str.slice(0, lastIndex);
        glob = str.slice(lastIndex);
      } else if (isGlob === true) {
        base = "";
        glob = str;
      } else {
        base = str;
      }
      if (base && base !== "" && base !== "/" && base !== str) {
        if (isPathSeparator(base.charCodeAt(base.length - 1))) {
          base = base.slice(0, -1);
        }
      }
      if (opts.unescape === true) {
        if (glob) glob = utils.removeBackslashes(glob);
        if (base && backslashes === true) {
          base = utils.removeBackslashes(base);
        }
      }
      const state = {
        prefix,
        input,
        start,
        base,
        glob,
        isBrace,
        isBracket,
        isGlob,
        isExtglob,
        isGlobstar,
        negated,
        negatedExtglob
      };
      if (opts.tokens === true) {
        state.maxDepth = 0;
        if (!isPathSeparator(code)) {
          tokens.push(token);
        }
        state.tokens = tokens;
      }
      if (opts.parts === true || opts.tokens === true) {
        let prevIndex;
        for (let idx = 0; idx < slashes.length; idx++) {
          const n2 = prevIndex !== void 0 ? prevIndex + 1 : start;
          const i = slashes[idx];
          const value2 = input.slice(n2, i);
          if (opts.tokens) {
            if (idx === 0 && start !== 0) {
              tokens[idx].isPrefix = true;
              tokens[idx].value = prefix;
            } else {
              tokens[idx].value = value2;
            }
            depth(tokens[idx]);
            state.maxDepth += tokens[idx].depth;
          }
          if (i >= start) {
            parts.push(value2);
            prevIndex = i;
          }
        }
        const n = prevIndex !== void 0 ? prevIndex + 1 : start;
        const value = input.slice(n);
        parts.push(value);
        if (opts.tokens && prevIndex && prevIndex + 1 < input.length) {
          tokens[tokens.length - 1].value = value;
          depth(tokens[tokens.length - 1]);
          state.maxDepth += tokens[tokens.length - 1].depth;
        }
        state.slashes = slashes;
        state.parts = parts;
      }
      return state;
    };
    module.exports = scan;
  }
});

// node_modules/picomatch/lib/parse.js
var require_parse = __commonJS({
  "node_modules/picomatch/lib/parse.js"(exports, module) {
    "use strict";
    var constants2 = require_constants();
    var utils = require_utils();
    var {
      MAX_LENGTH,
      POSIX_REGEX_SOURCE,
      REGEX_NON_SPECIAL_CHARS,
      REGEX_SPECIAL_CHARS_BACKREF,
      REPLACEMENTS
    } = constants2;
    var expandRange = (args, options) => {
      if (typeof options.expandRange === "function") {
        return options.expandRange(...args, options);
      }
      args.sort();
      const value = `[${args.join("-")}]`;
      try {
        new RegExp(value);
      } catch (ex) {
        return args.map((v) => utils.escapeRegex(v)).join("..");
      }
      return value;
    };
    var syntaxError = (type, char) => {
      return `Missing ${type}: "${char}" - use "\\\\${char}" to match literal characters`;
    };
    var splitTopLevel = (input) => {
      const parts = [];
      let bracket = 0;
      let paren = 0;
      let quote = 0;
      let value = "";
      let escaped = false;
      for (const ch of input) {
        if (escaped === true) {
          value += ch;
          escaped = false;
          continue;
        }
        if (ch === "\\") {
          value += ch;
          escaped = true;
          continue;
        }
        if (ch === '"') {
          quote = quote === 1 ? 0 : 1;
          value += ch;
          continue;
        }
        if (quote === 0) {
          if (ch === "[") {
            bracket++;
          } else if (ch === "]" && bracket > 0) {
            bracket--;
          } else if (bracket === 0) {
            if (ch === "(") {
              paren++;
            } else if (ch === ")" && paren > 0) {
              paren--;
            } else if (ch === "|" && paren === 0) {
              parts.push(value);
              value = "";
              continue;
            }
          }
        }
        value += ch;
      }
      parts.push(value);
      return parts;
    };
    var isPlainBranch = (branch) => {
      let escaped = false;
      for (const ch of branch) {
        if (escaped === true) {
          escaped = false;
          continue;
        }
        if (ch === "\\") {
          escaped = true;
          continue;
        }
        if (/[?*+@!()[\]{}]/.test(ch)) {
          return false;
        }
      }
      return true;
    };
    var normalizeSimpleBranch = (branch) => {
      let value = branch.trim();
      let changed = true;
      while (changed === true) {
        changed = false;
        if (/^@\([^\\()[\]{}|]+\)$/.test(value)) {
          value = value.slice(2, -1);
          changed = true;
        }
      }
      if (!isPlainBranch(value)) {
        return;
      }
      return value.replace(/\\(.)/g, "$1");
    };
    var hasRepeatedCharPrefixOverlap = (branches) => {
      const values = branches.map(normalizeSimpleBranch).filter(Boolean);
      for (let i = 0; i < values.length; i++) {
        for (let j = i + 1; j < values.length; j++) {
          const a = values[i];
          const b = values[j];
          const char = a[0];
          if (!char || a !== char.repeat(a.length) || b !== char.repeat(b.length)) {
            continue;
          }
          if (a === b || a.startsWith(b) || b.startsWith(a)) {
            return true;
          }
        }
      }
      return false;
    };
    var parseRepeatedExtglob = (pattern, requireEnd = true) => {
      if (pattern[0] !== "+" && pattern[0] !== "*" || pattern[1] !== "(") {
        return;
      }
      let bracket = 0;
      let paren = 0;
      let quote = 0;
      let escaped = false;
      for (let i = 1; i < pattern.length; i++) {
        const ch = pattern[i];
        if (escaped === true) {
          escaped = false;
          continue;
        }
        if (ch === "\\") {
          escaped = true;
          continue;
        }
        if (ch === '"') {
          quote = quote === 1 ? 0 : 1;
          continue;
        }
        if (quote === 1) {
          continue;
        }
        if (ch === "[") {
          bracket++;
          continue;
        }
        if (ch === "]" && bracket > 0) {
          bracket--;
          continue;
        }
        if (bracket > 0) {
          continue;
        }
        if (ch === "(") {
          paren++;
          continue;
        }
        if (ch === ")") {
          paren--;
          if (paren === 0) {
            if (requireEnd === true && i !== pattern.length - 1) {
              return;
            }
            return {
              type: pattern[0],
              body: pattern.slice(2, i),
              end: i
            };
          }
        }
      }
    };
    var buildCharClassStar = (chars) => {
      const source = chars.length === 1 ? utils.escapeRegex(chars[0]) : `[${chars.map((ch) => utils.escapeRegex(ch)).join("")}]`;
      return `${source}*`;
    };
    var getStarExtglobSequenceChars = (pattern) => {
      let index = 0;
      const chars = [];
      while (index < pattern.length) {
        const match = parseRepeatedExtglob(pattern.slice(index), false);
        if (!match || match.type !== "*") {
          return;
        }
        const branches = splitTopLevel(match.body).map((branch2) => branch2.trim());
        if (branches.length !== 1) {
          return;
        }
        const branch = normalizeSimpleBranch(branches[0]);
        if (!branch || branch.length !== 1) {
          return;
        }
        chars.push(branch);
        index += match.end + 1;
      }
      if (chars.length < 1) {
        return;
      }
      return chars;
    };
    var repeatedExtglobRecursion = (pattern) => {
      let depth = 0;
      let value = pattern.trim();
      let match = parseRepeatedExtglob(value);
      while (match) {
        depth++;
        value = match.body.trim();
        match = parseRepeatedExtglob(value);
      }
      return depth;
    };
    var analyzeRepeatedExtglob = (body, options) => {
      if (options.maxExtglobRecursion === false) {
        return { risky: false };
      }
      const max = typeof options.maxExtglobRecursion === "number" ? options.maxExtglobRecursion : constants2.DEFAULT_MAX_EXTGLOB_RECURSION;
      const branches = splitTopLevel(body).map((branch) => branch.trim());
      if (branches.length > 1) {
        if (branches.some((branch) => branch === "") || branches.some((branch) => /^[*?]+$/.test(branch)) || hasRepeatedCharPrefixOverlap(branches)) {
          return { risky: true };
        }
      }
      const safeChars = [];
      let sawStarSequence = false;
      let combinable = true;
      for (const branch of branches) {
        const chars = getStarExtglobSequenceChars(branch);
        if (chars) {
          sawStarSequence = true;
          safeChars.push(...chars);
          continue;
        }
        const literal = normalizeSimpleBranch(branch);
        if (literal && literal.length === 1) {
          safeChars.push(literal);
          continue;
        }
        combinable = false;
        if (repeatedExtglobRecursion(branch) > max) {
          return { risky: true };
        }
      }
      if (sawStarSequence) {
        return combinable ? { risky: true, safeOutput: buildCharClassStar([...new Set(safeChars)]) } : { risky: true };
      }
      return { risky: false };
    };
    var parse = (input, options) => {
      if (typeof input !== "string") {
        throw new TypeError("Expected a string");
      }
      input = REPLACEMENTS[input] || input;
      const opts = { ...options };
      const max = typeof opts.maxLength === "number" ? Math.min(MAX_LENGTH, opts.maxLength) : MAX_LENGTH;
      let len = input.length;
      if (len > max) {
        throw new SyntaxError(`Input length: ${len}, exceeds maximum allowed length: ${max}`);
      }
      const bos = { type: "bos", value: "", output: opts.prepend || "" };
      const tokens = [bos];
      const capture = opts.capture ? "" : "?:";
      const PLATFORM_CHARS = constants2.globChars(opts.windows);
      const EXTGLOB_CHARS = constants2.extglobChars(PLATFORM_CHARS);
      const {
        DOT_LITERAL,
        PLUS_LITERAL,
        SLASH_LITERAL,
        ONE_CHAR,
        DOTS_SLASH,
        NO_DOT,
        NO_DOT_SLASH,
        NO_DOTS_SLASH,
        QMARK,
        QMARK_NO_DOT,
        STAR,
        START_ANCHOR
      } = PLATFORM_CHARS;
      const globstar = (opts2) => {
        return `(${capture}(?:(?!${START_ANCHOR}${opts2.dot ? DOTS_SLASH : DOT_LITERAL}).)*?)`;
      };
      const nodot = opts.dot ? "" : NO_DOT;
      const qmarkNoDot = opts.dot ? QMARK : QMARK_NO_DOT;
      let star = opts.bash === true ? globstar(opts) : STAR;
      if (opts.capture) {
        star = `(${star})`;
      }
      if (typeof opts.noext === "boolean") {
        opts.noextglob = opts.noext;
      }
      const state = {
        input,
        index: -1,
        start: 0,
        dot: opts.dot === true,
        consumed: "",
        output: "",
        prefix: "",
        backtrack: false,
        negated: false,
        brackets: 0,
        braces: 0,
        parens: 0,
        quotes: 0,
        globstar: false,
        tokens
      };
      input = utils.removePrefix(input, state);
      len = input.length;
      const extglobs = [];
      const braces = [];
      const stack = [];
      let prev = bos;
      let value;
      const eos = () => state.index === len - 1;
      const peek = state.peek = (n = 1) => input[state.index + n];
      const advance = state.advance = () => input[++state.index] || "";
      const remaining = () => input.slice(state.index + 1);
      const consume = (value2 = "", num = 0) => {
        state.consumed += value2;
        state.index += num;
      };
      const append = (token) => {
        state.output += token.output != null ? token.output : token.value;
        consume(token.value);
      };
      const negate = () => {
        let count = 1;
        while (peek() === "!" && (peek(2) !== "(" || peek(3) === "?")) {
          advance();
          state.start++;
          count++;
        }
        if (count % 2 === 0) {
          return false;
        }
        state.negated = true;
        state.start++;
        return true;
      };
      const increment = (type) => {
        state[type]++;
        stack.push(type);
      };
      const decrement = (type) => {
        state[type]--;
        stack.pop();
      };
      const push = (tok) => {
        if (prev.type === "globstar") {
          const isBrace = state.braces > 0 && (tok.type === "comma" || tok.type === "brace");
          const isExtglob = tok.extglob === true || extglobs.length && (tok.type === "pipe" || tok.type === "paren");
          if (tok.type !== "slash" && tok.type !== "paren" && !isBrace && !isExtglob) {
            state.output = state.output.slice(0, -prev.output.length);
            prev.type = "star";
            prev.value = "*";
            prev.output = star;
            state.output += prev.output;
          }
        }
        if (extglobs.length && tok.type !== "paren") {
          extglobs[extglobs.length - 1].inner += tok.value;
        }
        if (tok.value || tok.output) append(tok);
        if (prev && prev.type === "text" && tok.type === "text") {
          prev.output = (prev.output || prev.value) + tok.value;
          prev.value += tok.value;
          return;
        }
        tok.prev = prev;
        tokens.push(tok);
        prev = tok;
      };
      const extglobOpen = (type, value2) => {
        const token = { ...EXTGLOB_CHARS[value2], conditions: 1, inner: "" };
        token.prev = prev;
        token.parens = state.parens;
        token.output = state.output;
        token.startIndex = state.index;
        token.tokensIndex = tokens.length;
        const output = (opts.capture ? "(" : "") + token.open;
        increment("parens");
        push({ type, value: value2, output: state.output ? "" : ONE_CHAR });
        push({ type: "paren", extglob: true, value: advance(), output });
        extglobs.push(token);
      };
      const extglobClose = (token) => {
        const literal = input.slice(token.startIndex, state.index + 1);
        const body = input.slice(token.startIndex + 2, state.index);
        const analysis = analyzeRepeatedExtglob(body, opts);
        if ((token.type === "plus" || token.type === "star") && analysis.risky) {
          const safeOutput = analysis.safeOutput ? (token.output ? "" : ONE_CHAR) + (opts.capture ? `(${analysis.safeOutput})` : analysis.safeOutput) : void 0;
          const open2 = tokens[token.tokensIndex];
          open2.type = "text";
          open2.value = literal;
          open2.output = safeOutput || utils.escapeRegex(literal);
          for (let i = token.tokensIndex + 1; i < tokens.length; i++) {
            tokens[i].value = "";
            tokens[i].output = "";
            delete tokens[i].suffix;
          }
          state.output = token.output + open2.output;
          state.backtrack = true;
          push({ type: "paren", extglob: true, value, output: "" });
          decrement("parens");
          return;
        }
        let output = token.close + (opts.capture ? ")" : "");
        let rest;
        if (token.type === "negate") {
          let extglobStar = star;
          if (token.inner && token.inner.length > 1 && token.inner.includes("/")) {
            extglobStar = globstar(opts);
          }
          if (extglobStar !== star || eos() || /^\)+$/.test(remaining())) {
            output = token.close = `)$))${extglobStar}`;
          }
          if (token.inner.includes("*") && (rest = remaining()) && /^\.[^\\/.]+$/.test(rest)) {
            const expression = parse(rest, { ...options, fastpaths: false }).output;
            output = token.close = `)${expression})${extglobStar})`;
          }
          if (token.prev.type === "bos") {
            state.negatedExtglob = true;
          }
        }
        push({ type: "paren", extglob: true, value, output });
        decrement("parens");
      };
      if (opts.fastpaths !== false && !/(^[*!]|[/()[\]{}"])/.test(input)) {
        let backslashes = false;
        let output = input.replace(REGEX_SPECIAL_CHARS_BACKREF, (m, esc, chars, first, rest, index) => {
          if (first === "\\") {
            backslashes = true;
            return m;
          }
          if (first === "?") {
            if (esc) {
              return esc + first + (rest ? QMARK.repeat(rest.length) : "");
            }
            if (index === 0) {
              return qmarkNoDot + (rest ? QMARK.repeat(rest.length) : "");
            }
            return QMARK.repeat(chars.length);
          }
          if (first === ".") {
            return DOT_LITERAL.repeat(chars.length);
          }
          if (first === "*") {
            if (esc) {
              return esc + first + (rest ? star : "");
            }
            return star;
          }
          return esc ? m : `\\${m}`;
        });
        if (backslashes === true) {
          if (opts.unescape === true) {
            output = output.replace(/\\/g, "");
          } else {
            output = output.replace(/\\+/g, (m) => {
              return m.length % 2 === 0 ? "\\\\" : m ? "\\" : "";
            });
          }
        }
        if (output === input && opts.contains === true) {
          state.output = input;
          return state;
        }
        state.output = utils.wrapOutput(output, state, options);
        return state;
      }
      while (!eos()) {
        value = advance();
        if (value === "\0") {
          continue;
        }
        if (value === "\\") {
          const next = peek();
          if (next === "/" && opts.bash !== true) {
            continue;
          }
          if (next === "." || next === ";") {
            continue;
          }
          if (!next) {
            value += "\\";
            push({ type: "text", value });
            continue;
          }
          const match = /^\\+/.exec(remaining());
          let slashes = 0;
          if (match && match[0].length > 2) {
            slashes = match[0].length;
            state.index += slashes;
            if (slashes % 2 !== 0) {
              value += "\\";
            }
          }
          if (opts.unescape === true) {
            value = advance();
          } else {
            value += advance();
          }
          if (state.brackets === 0) {
            push({ type: "text", value });
            continue;
          }
        }
        if (state.brackets > 0 && (value !== "]" || prev.value === "[" || prev.value === "[^")) {
          if (opts.posix !== false && value === ":") {
            const inner = prev.value.slice(1);
            if (inner.includes("[")) {
              prev.posix = true;
              if (inner.includes(":")) {
                const idx = prev.value.lastIndexOf("[");
                const pre = prev.value.slice(0, idx);
                const rest2 = prev.value.slice(idx + 2);
                const posix = POSIX_REGEX_SOURCE[rest2];
                if (posix) {
                  prev.value = pre + posix;
                  state.backtrack = true;
                  advance();
                  if (!bos.output && tokens.indexOf(prev) === 1) {
                    bos.output = ONE_CHAR;
                  }
                  continue;
                }
              }
            }
          }
          if (value === "[" && peek() !== ":" || value === "-" && peek() === "]") {
            value = `\\${value}`;
          }
          if (value === "]" && (prev.value === "[" || prev.value === "[^")) {
            value = `\\${value}`;
          }
          if (opts.posix === true && value === "!" && prev.value === "[") {
            value = "^";
          }
          prev.value += value;
          append({ value });
          continue;
        }
        if (state.quotes === 1 && value !== '"') {
          value = utils.escapeRegex(value);
          prev.value += value;
          append({ value });
          continue;
        }
        if (value === '"') {
          state.quotes = state.quotes === 1 ? 0 : 1;
          if (opts.keepQuotes === true) {
            push({ type: "text", value });
          }
          continue;
        }
        if (value === "(") {
          increment("parens");
          push({ type: "paren", value });
          continue;
        }
        if (value === ")") {
          if (state.parens === 0 && opts.strictBrackets === true) {
            throw new SyntaxError(syntaxError("opening", "("));
          }
          const extglob = extglobs[extglobs.length - 1];
          if (extglob && state.parens === extglob.parens + 1) {
            extglobClose(extglobs.pop());
            continue;
          }
          push({ type: "paren", value, output: state.parens ? ")" : "\\)" });
          decrement("parens");
          continue;
        }
        if (value === "[") {
          if (opts.nobracket === true || !remaining().includes("]")) {
            if (opts.nobracket !== true && opts.strictBrackets === true) {
              throw new SyntaxError(syntaxError("closing", "]"));
            }
            value = `\\${value}`;
          } else {
            increment("brackets");
          }
          push({ type: "bracket", value });
          continue;
        }
        if (value === "]") {
          if (opts.nobracket === true || prev && prev.type === "bracket" && prev.value.length === 1) {
            push({ type: "text", value, output: `\\${value}` });
            continue;
          }
          if (state.brackets === 0) {
            if (opts.strictBrackets === true) {
              throw new SyntaxError(syntaxError("opening", "["));
            }
            push({ type: "text", value, output: `\\${value}` });
            continue;
          }
          decrement("brackets");
          const prevValue = prev.value.slice(1);
          if (prev.posix !== true && prevValue[0] === "^" && !prevValue.includes("/")) {
            value = `/${value}`;
          }
          prev.value += value;
          append({ value });
          if (opts.literalBrackets === false || utils.hasRegexChars(prevValue)) {
            continue;
          }
          const escaped = utils.escapeRegex(prev.value);
          state.output = state.output.slice(0, -prev.value.length);
          if (opts.literalBrackets === true) {
            state.output += escaped;
            prev.value = escaped;
            continue;
          }
          prev.value = `(${capture}${escaped}|${prev.value})`;
          state.output += prev.value;
          continue;
        }
        if (value === "{" && opts.nobrace !== true) {
          increment("braces");
          const open2 = {
            type: "brace",
            value,
            output: "(",
            outputIndex: state.output.length,
            tokensIndex: state.tokens.length
          };
          braces.push(open2);
          push(open2);
          continue;
        }
        if (value === "}") {
          const brace = braces[braces.length - 1];
          if (opts.nobrace === true || !brace) {
            push({ type: "text", value, output: value });
            continue;
          }
          let output = ")";
          if (brace.dots === true) {
            const arr = tokens.slice();
            const range = [];
            for (let i = arr.length - 1; i >= 0; i--) {
              tokens.pop();
              if (arr[i].type === "brace") {
                break;
              }
              if (arr[i].type !== "dots") {
                range.unshift(arr[i].value);
              }
            }
            output = expandRange(range, opts);
            state.backtrack = true;
          }
          if (brace.comma !== true && brace.dots !== true) {
            const out = state.output.slice(0, brace.outputIndex);
            const toks = state.tokens.slice(brace.tokensIndex);
            brace.value = brace.output = "\\{";
            value = output = "\\}";
            state.output = out;
            for (const t of toks) {
              state.output += t.output || t.value;
            }
          }
          push({ type: "brace", value, output });
          decrement("braces");
          braces.pop();
          continue;
        }
        if (value === "|") {
          if (extglobs.length > 0) {
            extglobs[extglobs.length - 1].conditions++;
          }
          push({ type: "text", value });
          continue;
        }
        if (value === ",") {
          let output = value;
          const brace = braces[braces.length - 1];
          if (brace && stack[stack.length - 1] === "braces") {
            brace.comma = true;
            output = "|";
          }
          push({ type: "comma", value, output });
          continue;
        }
        if (value === "/") {
          if (prev.type === "dot" && state.index === state.start + 1) {
            state.start = state.index + 1;
            state.consumed = "";
            state.output = "";
            tokens.pop();
            prev = bos;
            continue;
          }
          push({ type: "slash", value, output: SLASH_LITERAL });
          continue;
        }
        if (value === ".") {
          if (state.braces > 0 && prev.type === "dot") {
            if (prev.value === ".") prev.output = DOT_LITERAL;
            const brace = braces[braces.length - 1];
            prev.type = "dots";
            prev.output += value;
            prev.value += value;
            brace.dots = true;
            continue;
          }
          if (state.braces + state.parens === 0 && prev.type !== "bos" && prev.type !== "slash") {
            push({ type: "text", value, output: DOT_LITERAL });
            continue;
          }
          push({ type: "dot", value, output: DOT_LITERAL });
          continue;
        }
        if (value === "?") {
          const isGroup = prev && prev.value === "(";
          if (!isGroup && opts.noextglob !== true && peek() === "(" && peek(2) !== "?") {
            extglobOpen("qmark", value);
            continue;
          }
          if (prev && prev.type === "paren") {
            const next = peek();
            let output = value;
            if (prev.value === "(" && !/[!=<:]/.test(next) || next === "<" && !/<([!=]|\w+>)/.test(remaining())) {
              output = `\\${value}`;
            }
            push({ type: "text", value, output });
            continue;
          }
          if (opts.dot !== true && (prev.type === "slash" || prev.type === "bos")) {
            push({ type: "qmark", value, output: QMARK_NO_DOT });
            continue;
          }
          push({ type: "qmark", value, output: QMARK });
          continue;
        }
        if (value === "!") {
          if (opts.noextglob !== true && peek() === "(") {
            if (peek(2) !== "?" || !/[!=<:]/.test(peek(3))) {
              extglobOpen("negate", value);
              continue;
            }
          }
          if (opts.nonegate !== true && state.index === 0) {
            negate();
            continue;
          }
        }
        if (value === "+") {
          if (opts.noextglob !== true && peek() === "(" && peek(2) !== "?") {
            extglobOpen("plus", value);
            continue;
          }
          if (prev && prev.value === "(" || opts.regex === false) {
            push({ type: "plus", value, output: PLUS_LITERAL });
            continue;
          }
          if (prev && (prev.type === "bracket" || prev.type === "paren" || prev.type === "brace") || state.parens > 0) {
            push({ type: "plus", value });
            continue;
          }
          push({ type: "plus", value: PLUS_LITERAL });
          continue;
        }
        if (value === "@") {
          if (opts.noextglob !== true && peek() === "(" && peek(2) !== "?") {
            push({ type: "at", extglob: true, value, output: "" });
            continue;
          }
          push({ type: "text", value });
          continue;
        }
        if (value !== "*") {
          if (value === "$" || value === "^") {
            value = `\\${value}`;
          }
          const match = REGEX_NON_SPECIAL_CHARS.exec(remaining());
          if (match) {
            value += match[0];
            state.index += match[0].length;
          }
          push({ type: "text", value });
          continue;
        }
        if (prev && (prev.type === "globstar" || prev.star === true)) {
          prev.type = "star";
          prev.star = true;
          prev.value += value;
          prev.output = star;
          state.backtrack = true;
          state.globstar = true;
          consume(value);
          continue;
        }
        let rest = remaining();
        if (opts.noextglob !== true && /^\([^?]/.test(rest)) {
          extglobOpen("star", value);
          continue;
        }
        if (prev.type === "star") {
          if (opts.noglobstar === true) {
            consume(value);
            continue;
          }
          const prior = prev.prev;
          const before = prior.prev;
          const isStart = prior.type === "slash" || prior.type === "bos";
          const afterStar = before && (before.type === "star" || before.type === "globstar");
          if (opts.bash === true && (!isStart || rest[0] && rest[0] !== "/")) {
            push({ type: "star", value, output: "" });
            continue;
          }
          const isBrace = state.braces > 0 && (prior.type === "comma" || prior.type === "brace");
          const isExtglob = extglobs.length && (prior.type === "pipe" || prior.type === "paren");
          if (!isStart && prior.type !== "paren" && !isBrace && !isExtglob) {
            push({ type: "star", value, output: "" });
            continue;
          }
          while (rest.slice(0, 3) === "/**") {
            const after = input[state.index + 4];
            if (after && after !== "/") {
              break;
            }
            rest = rest.slice(3);
            consume("/**", 3);
          }
          const isEnd = eos() || state.parens > 0 && rest === ")".repeat(state.parens) && !extglobs.some((extglob) => extglob.type === "negate");
          if (prior.type === "bos" && eos()) {
            prev.type = "globstar";
            prev.value += value;
            prev.output = globstar(opts);
            state.output = prev.output;
            state.globstar = true;
            consume(value);
            continue;
          }
          if (prior.type === "slash" && prior.prev.type !== "bos" && !afterStar && isEnd) {
            state.output = state.output.slice(0, -(prior.output + prev.output).length);
            prior.output = `(?:${prior.output}`;
            prev.type = "globstar";
            prev.output = globstar(opts) + (opts.strictSlashes ? ")" : "|$)");
            prev.value += value;
            state.globstar = true;
            state.output += prior.output + prev.output;
            consume(value);
            continue;
          }
          if (prior.type === "slash" && prior.prev.type !== "bos" && rest[0] === "/") {
            const end = rest[1] !== void 0 ? "|$" : "";
            state.output = state.output.slice(0, -(prior.output + prev.output).length);
            prior.output = `(?:${prior.output}`;
            prev.type = "globstar";
            prev.output = `${globstar(opts)}${SLASH_LITERAL}|${SLASH_LITERAL}${end})`;
            prev.value += value;
            state.output += prior.output + prev.output;
            state.globstar = true;
            consume(value + advance());
            push({ type: "slash", value: "/", output: "" });
            continue;
          }
          if (prior.type === "bos" && rest[0] === "/") {
            prev.type = "globstar";
            prev.value += value;
            prev.output = `(?:^|${SLASH_LITERAL}|${globstar(opts)}${SLASH_LITERAL})`;
            state.output = prev.output;
            state.globstar = true;
            consume(value + advance());
            push({ type: "slash", value: "/", output: "" });
            continue;
          }
          state.output = state.output.slice(0, -prev.output.length);
          prev.type = "globstar";
          prev.output = globstar(opts);
          prev.value += value;
          state.output += prev.output;
          state.globstar = true;
          consume(value);
          continue;
        }
        const token = { type: "star", value, output: star };
        if (opts.bash === true) {
          token.output = ".*?";
          if (prev.type === "bos" || prev.type === "slash") {
            token.output = nodot + token.output;
          }
          push(token);
          continue;
        }
        if (prev && (prev.type === "bracket" || prev.type === "paren") && opts.regex === true) {
          token.output = value;
          push(token);
          continue;
        }
        if (state.index === state.start || prev.type === "slash" || prev.type === "dot") {
          if (prev.type === "dot") {
            state.output += NO_DOT_SLASH;
            prev.output += NO_DOT_SLASH;
          } else if (opts.dot === true) {
            state.output += NO_DOTS_SLASH;
            prev.output += NO_DOTS_SLASH;
          } else {
            state.output += nodot;
            prev.output += nodot;
          }
          if (peek() !== "*") {
            state.output += ONE_CHAR;
            prev.output += ONE_CHAR;
          }
        }
        push(token);
      }
      while (state.brackets > 0) {
        if (opts.strictBrackets === true) throw new SyntaxError(syntaxError("closing", "]"));
        state.output = utils.escapeLast(state.output, "[");
        decrement("brackets");
      }
      while (state.parens > 0) {
        if (opts.strictBrackets === true) throw new SyntaxError(syntaxError("closing", ")"));
        state.output = utils.escapeLast(state.output, "(");
        decrement("parens");
      }
      while (state.braces > 0) {
        if (opts.strictBrackets === true) throw new SyntaxError(syntaxError("closing", "}"));
        state.output = utils.escapeLast(state.output, "{");
        decrement("braces");
      }
      if (opts.strictSlashes !== true && (prev.type === "star" || prev.type === "bracket")) {
        push({ type: "maybe_slash", value: "", output: `${SLASH_LITERAL}?` });
      }
      if (state.backtrack === true) {
        state.output = "";
        for (const token of state.tokens) {
          state.output += token.output != null ? token.output : token.value;
          if (token.suffix) {
            state.output += token.suffix;
          }
        }
      }
      return state;
    };
    parse.fastpaths = (input, options) => {
      const opts = { ...options };
      const max = typeof opts.maxLength === "number" ? Math.min(MAX_LENGTH, opts.maxLength) : MAX_LENGTH;
      const len = input.length;
      if (len > max) {
        throw new SyntaxError(`Input length: ${len}, exceeds maximum allowed length: ${max}`);
      }
      input = REPLACEMENTS[input] || input;
      const {
        DOT_LITERAL,
        SLASH_LITERAL,
        ONE_CHAR,
        DOTS_SLASH,
        NO_DOT,
        NO_DOTS,
        NO_DOTS_SLASH,
        STAR,
        START_ANCHOR
      } = constants2.globChars(opts.windows);
      const nodot = opts.dot ? NO_DOTS : NO_DOT;
      const slashDot = opts.dot ? NO_DOTS_SLASH : NO_DOT;
      const capture = opts.capture ? "" : "?:";
      const state = { negated: false, prefix: "" };
      let star = opts.bash === true ? ".*?" : STAR;
      if (opts.capture) {
        star = `(${star})`;
      }
      const globstar = (opts2) => {
        if (opts2.noglobstar === true) return star;
        return `(${capture}(?:(?!${START_ANCHOR}${opts2.dot ? DOTS_SLASH : DOT_LITERAL}).)*?)`;
      };
      const create = (str) => {
        switch (str) {
          case "*":
            return `${nodot}${ONE_CHAR}${star}`;
          case ".*":
            return `${DOT_LITERAL}${ONE_CHAR}${star}`;
          case "*.*":
            return `${nodot}${star}${DOT_LITERAL}${ONE_CHAR}${star}`;
          case "*/*":
            return `${nodot}${star}${SLASH_LITERAL}${ONE_CHAR}${slashDot}${star}`;
          case "**":
            return nodot + globstar(opts);
          case "**/*":
            return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${slashDot}${ONE_CHAR}${star}`;
          case "**/*.*":
            return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${slashDot}${star}${DOT_LITERAL}${ONE_CHAR}${star}`;
          case "**/.*":
            return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${DOT_LITERAL}${ONE_CHAR}${star}`;
          default: {
            const match = /^(.*?)\.(\w+)$/.exec(str);
            if (!match) return;
            const source2 = create(match[1]);
            if (!source2) return;
            return source2 + DOT_LITERAL + match[2];
          }
        }
      };
      const output = utils.removePrefix(input, state);
      let source = create(output);
      if (source && opts.strictSlashes !== true) {
        source += `${SLASH_LITERAL}?`;
      }
      return source;
    };
    module.exports = parse;
  }
});

// node_modules/picomatch/lib/picomatch.js
var require_picomatch = __commonJS({
  "node_modules/picomatch/lib/picomatch.js"(exports, module) {
    "use strict";
    var scan = require_scan();
    var parse = require_parse();
    var utils = require_utils();
    var constants2 = require_constants();
    var isObject = (val) => val && typeof val === "object" && !Array.isArray(val);
    var picomatch3 = (glob, options, returnState = false) => {
      if (Array.isArray(glob)) {
        const fns = glob.map((input) => picomatch3(input, options, returnState));
        const arrayMatcher = (str) => {
          for (const isMatch of fns) {
            const state2 = isMatch(str);
            if (state2) return state2;
          }
          return false;
        };
        return arrayMatcher;
      }
      const isState = isObject(glob) && glob.tokens && glob.input;
      if (glob === "" || typeof glob !== "string" && !isState) {
        throw new TypeError("Expected pattern to be a non-empty string");
      }
      const opts = options || {};
      const posix = opts.windows;
      const regex2 = isState ? picomatch3.compileRe(glob, options) : picomatch3.makeRe(glob, options, false, true);
      const state = regex2.state;
      delete regex2.state;
      let isIgnored = () => false;
      if (opts.ignore) {
        const ignoreOpts = { ...options, ignore: null, onMatch: null, onResult: null };
        isIgnored = picomatch3(opts.ignore, ignoreOpts, returnState);
      }
      const matcher = (input, returnObject = false) => {
        const { isMatch, match, output } = picomatch3.test(input, regex2, options, { glob, posix });
        const result = { glob, state, regex: regex2, posix, input, output, match, isMatch };
        if (typeof opts.onResult === "function") {
          opts.onResult(result);
        }
        if (isMatch === false) {
          result.isMatch = false;
          return returnObject ? result : false;
        }
        if (isIgnored(input)) {
          if (typeof opts.onIgnore === "function") {
            opts.onIgnore(result);
          }
          result.isMatch = false;
          return returnObject ? result : false;
        }
        if (typeof opts.onMatch === "function") {
          opts.onMatch(result);
        }
        return returnObject ? result : true;
      };
      if (returnState) {
        matcher.state = state;
      }
      return matcher;
    };
    picomatch3.test = (input, regex2, options, { glob, posix } = {}) => {
      if (typeof input !== "string") {
        throw new TypeError("Expected input to be a string");
      }
      if (input === "") {
        return { isMatch: false, output: "" };
      }
      const opts = options || {};
      const format = opts.format || (posix ? utils.toPosixSlashes : null);
      let match = input === glob;
      let output = match && format ? format(input) : input;
      if (match === false) {
        output = format ? format(input) : input;
        match = output === glob;
      }
      if (match === false || opts.capture === true) {
        if (opts.matchBase === true || opts.basename === true) {
          match = picomatch3.matchBase(input, regex2, options, posix);
        } else {
          match = regex2.exec(output);
        }
      }
      return { isMatch: Boolean(match), match, output };
    };
    picomatch3.matchBase = (input, glob, options, posix = options && options.windows) => {
      const regex2 = glob instanceof RegExp ? glob : picomatch3.makeRe(glob, options);
      return regex2.test(utils.basename(input, { windows: posix }));
    };
    picomatch3.isMatch = (str, patterns, options) => picomatch3(patterns, options)(str);
    picomatch3.parse = (pattern, options) => {
      if (Array.isArray(pattern)) return pattern.map((p) => picomatch3.parse(p, options));
      return parse(pattern, { ...options, fastpaths: false });
    };
    picomatch3.scan = (input, options) => scan(input, options);
    picomatch3.compileRe = (state, options, returnOutput = false, returnState = false) => {
      if (returnOutput === true) {
        return state.output;
      }
      const opts = options || {};
      const prepend = opts.contains ? "" : "^";
      const append = opts.contains ? "" : "$";
      let source = `${prepend}(?:${state.output})${append}`;
      if (state && state.negated === true) {
        source = `^(?!${source}).*$`;
      }
      const regex2 = picomatch3.toRegex(source, options);
      if (returnState === true) {
        regex2.state = state;
      }
      return regex2;
    };
    picomatch3.makeRe = (input, options = {}, returnOutput = false, returnState = false) => {
      if (!input || typeof input !== "string") {
        throw new TypeError("Expected a non-empty string");
      }
      let parsed = { negated: false, fastpaths: true };
      if (options.fastpaths !== false && (input[0] === "." || input[0] === "*")) {
        parsed.output = parse.fastpaths(input, options);
      }
      if (!parsed.output) {
        parsed = parse(input, options);
      }
      return picomatch3.compileRe(parsed, options, returnOutput, returnState);
    };
    picomatch3.toRegex = (source, options) => {
      try {
        const opts = options || {};
        return new RegExp(source, opts.flags || (opts.nocase ? "i" : ""));
      } catch (err) {
        if (options && options.debug === true) throw err;
        return /$^/;
      }
    };
    picomatch3.constants = constants2;
    module.exports = picomatch3;
  }
});

// node_modules/picomatch/index.js
var require_picomatch2 = __commonJS({
  "node_modules/picomatch/index.js"(exports, module) {
    "use strict";
    var pico = require_picomatch();
    var utils = require_utils();
    function picomatch3(glob, options, returnState = false) {
      if (options && (options.windows === null || options.windows === void 0)) {
        options = { ...options, windows: utils.isWindows() };
      }
      return pico(glob, options, returnState);
    }
    Object.assign(picomatch3, pico);
    module.exports = picomatch3;
  }
});

// src/index.ts
import { isMainThread } from "node:worker_threads";

// src/analysis/signatures.ts
var byRank = (a, b) => b.spikes - a.spikes || b.worst_ms - a.worst_ms || (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0);
function summariseSignatures(runs) {
  const pooled = /* @__PURE__ */ new Map();
  for (const run2 of runs) {
    for (const spike of run2.spikes) {
      let entry = pooled.get(spike.signature);
      if (!entry) {
        entry = {
          signature: spike.signature,
          top_plugin: spike.top_plugin,
          first_syscall: spike.first_syscall,
          spikes: 0,
          repeats: 0,
          worst_ms: spike.value_ms,
          files: /* @__PURE__ */ new Set()
        };
        pooled.set(spike.signature, entry);
      }
      entry.spikes++;
      entry.files.add(run2.file);
      entry.repeats = entry.files.size;
      entry.worst_ms = Math.max(entry.worst_ms, spike.value_ms);
    }
  }
  return [...pooled.values()].map(({ files: _files, ...summary2 }) => summary2).sort(byRank);
}

// src/analysis/significance.ts
var logFactorials = [0];
function logFactorial(n) {
  for (let i = logFactorials.length; i <= n; i++)
    logFactorials[i] = logFactorials[i - 1] + Math.log(i);
  return logFactorials[n];
}
var logChoose = (n, k) => logFactorial(n) - logFactorial(k) - logFactorial(n - k);
function fisherGreater(withHead, headRepeats, withBase, baseRepeats) {
  const total = headRepeats + baseRepeats;
  const affected = withHead + withBase;
  const most = Math.min(headRepeats, affected);
  const denominator = logChoose(total, headRepeats);
  let p = 0;
  for (let x = withHead; x <= most; x++) {
    if (headRepeats - x > total - affected) continue;
    p += Math.exp(
      logChoose(affected, x) + logChoose(total - affected, headRepeats - x) - denominator
    );
  }
  return Math.min(1, p);
}
function permutationGreater(head, base) {
  const pooled = [...head, ...base];
  const picked = head.length;
  const observed = head.reduce((sum, count) => sum + count, 0);
  const most = pooled.reduce((sum, count) => sum + count, 0);
  const ways = Array.from({ length: picked + 1 }, () => new Float64Array(most + 1));
  ways[0][0] = 1;
  for (const count of pooled) {
    for (let j = picked; j >= 1; j--) {
      const from = ways[j - 1];
      const into = ways[j];
      for (let s = most; s >= count; s--) into[s] += from[s - count];
    }
  }
  let atLeast = 0;
  let all = 0;
  for (let s = 0; s <= most; s++) {
    all += ways[picked][s];
    if (s >= observed) atLeast += ways[picked][s];
  }
  return all === 0 ? 1 : atLeast / all;
}
var EXACT_CELLS = 2500;
function mannWhitneyGreater(head, base) {
  const m = head.length;
  const n = base.length;
  if (m === 0 || n === 0) return 1;
  const all = [
    ...head.map((value) => ({ value, head: true })),
    ...base.map((value) => ({ value, head: false }))
  ];
  all.sort((a, b) => a.value - b.value);
  const ranks = new Float64Array(all.length);
  let tieTerm = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1].value === all[i].value) j++;
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[k] = rank;
    const tied = j - i + 1;
    tieTerm += tied ** 3 - tied;
    i = j + 1;
  }
  let rankSum = 0;
  all.forEach((entry, index) => {
    if (entry.head) rankSum += ranks[index];
  });
  const u = rankSum - m * (m + 1) / 2;
  if (tieTerm === 0 && m * n <= EXACT_CELLS) return exactUGreater(u, m, n);
  const mean = m * n / 2;
  const variance = m * n / 12 * (m + n + 1 - tieTerm / ((m + n) * (m + n - 1)));
  if (variance <= 0) return 1;
  const z = (u - mean - 0.5) / Math.sqrt(variance);
  return 1 - normalCdf(z);
}
function exactUGreater(u, m, n) {
  let previous = Array.from({ length: n + 1 }, () => new Float64Array(1).fill(1));
  for (let i = 1; i <= m; i++) {
    const current = [];
    for (let j = 0; j <= n; j++) {
      const size = i * j + 1;
      const row = new Float64Array(size);
      const withHead = previous[j];
      for (let k = 0; k < withHead.length; k++) row[k + j] += withHead[k];
      if (j > 0) {
        const withBase = current[j - 1];
        for (let k = 0; k < withBase.length; k++) row[k] += withBase[k];
      }
      current.push(row);
    }
    previous = current;
  }
  const counts = previous[n];
  let total = 0;
  let atLeast = 0;
  for (let k = 0; k < counts.length; k++) {
    total += counts[k];
    if (k >= u - 1e-9) atLeast += counts[k];
  }
  return atLeast / total;
}
function normalCdf(z) {
  const x = Math.abs(z);
  let tail = 0;
  if (x <= 37) {
    const e = Math.exp(-x * x / 2);
    if (x < 7.07106781186547) {
      let p = 0.0352624965998911 * x + 0.700383064443688;
      p = p * x + 6.37396220353165;
      p = p * x + 33.912866078383;
      p = p * x + 112.079291497871;
      p = p * x + 221.213596169931;
      p = p * x + 220.206867912376;
      let q = 0.0883883476483184 * x + 1.75566716318264;
      q = q * x + 16.064177579207;
      q = q * x + 86.7807322029461;
      q = q * x + 296.564248779674;
      q = q * x + 637.333633378831;
      q = q * x + 793.826512519948;
      q = q * x + 440.413735824752;
      tail = e * p / q;
    } else {
      let f = x + 0.65;
      f = x + 4 / f;
      f = x + 3 / f;
      f = x + 2 / f;
      f = x + 1 / f;
      tail = e / f / 2.506628274631;
    }
  }
  return z > 0 ? 1 - tail : tail;
}
function holm(pValues) {
  const order = pValues.map((_, index) => index).sort((a, b) => pValues[a] - pValues[b]);
  const adjusted = new Array(pValues.length);
  let running = 0;
  order.forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (pValues.length - rank) * pValues[index]));
    adjusted[index] = running;
  });
  return adjusted;
}

// src/analysis/verdict.ts
var DEFAULT_VERDICT = {
  minRepeats: 2,
  alpha: 0.05,
  regressionAlpha: 0.01,
  frequencyRatio: 3,
  lengthRatio: 2,
  minBaseSpikes: 3
};
function tally(reports) {
  const runs = reports.flat();
  const bySignature = /* @__PURE__ */ new Map();
  runs.forEach((run2, index) => {
    for (const spike of run2.spikes) {
      let entry = bySignature.get(spike.signature);
      if (!entry) {
        entry = { perRepeat: new Array(runs.length).fill(0), lengthsMs: [] };
        bySignature.set(spike.signature, entry);
      }
      entry.perRepeat[index]++;
      entry.lengthsMs.push(spike.value_ms);
    }
  });
  return { repeats: runs.length, bySignature };
}
function median(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
function evidence(side, signature) {
  const entry = side.bySignature.get(signature);
  const perRepeat = entry?.perRepeat ?? [];
  const spikes = perRepeat.reduce((sum, count) => sum + count, 0);
  return {
    repeats_with: perRepeat.filter((count) => count > 0).length,
    repeats: side.repeats,
    spikes,
    rate: side.repeats === 0 ? 0 : spikes / side.repeats,
    median_ms: median(entry?.lengthsMs ?? []),
    worst_ms: entry && entry.lengthsMs.length > 0 ? Math.max(...entry.lengthsMs) : null
  };
}
var countsOf = (side, signature) => side.bySignature.get(signature)?.perRepeat ?? new Array(side.repeats).fill(0);
var round = (value, digits = 2) => Number(value.toFixed(digits));
var pText = (p) => p < 1e-3 ? "p < 0.001" : `p = ${round(p, 3)}`;
function classify(history, head, options = DEFAULT_VERDICT) {
  const base = tally(history);
  const headTally = tally([head]);
  const verdicts = [];
  const known = [];
  const candidates = [];
  for (const signature of headTally.bySignature.keys()) {
    if (evidence(base, signature).spikes > 0) known.push(signature);
    else candidates.push(signature);
  }
  const novelty = holm(
    candidates.map(
      (signature) => fisherGreater(evidence(headTally, signature).repeats_with, headTally.repeats, 0, base.repeats)
    )
  );
  candidates.forEach((signature, index) => {
    const headSide = evidence(headTally, signature);
    const p = novelty[index];
    const seen = `in ${headSide.repeats_with} of ${headSide.repeats} head repeats, never in the ${base.repeats} repeats of the history`;
    const confirmed = headSide.repeats_with >= options.minRepeats && p < options.alpha;
    verdicts.push({
      signature,
      class: confirmed ? "new" : "new-unconfirmed",
      head: headSide,
      base: evidence(base, signature),
      p_value: p,
      reason: confirmed ? `${seen} (${pText(p)})` : `${seen}: too rare to tell from chance (${pText(p)}; needs ${options.minRepeats} repeats and p < ${options.alpha}); rerun to confirm`
    });
  });
  const frequencyP = known.map(
    (signature) => permutationGreater(countsOf(headTally, signature), countsOf(base, signature))
  );
  const lengthP = known.map(
    (signature) => mannWhitneyGreater(
      headTally.bySignature.get(signature)?.lengthsMs ?? [],
      base.bySignature.get(signature)?.lengthsMs ?? []
    )
  );
  const adjusted = holm([...frequencyP, ...lengthP]);
  const frequency = adjusted.slice(0, known.length);
  const lengths = adjusted.slice(known.length);
  known.forEach((signature, index) => {
    const headSide = evidence(headTally, signature);
    const baseSide = evidence(base, signature);
    const rateRatio = baseSide.rate === 0 ? Infinity : headSide.rate / baseSide.rate;
    const lengthRatio = headSide.median_ms !== null && baseSide.median_ms !== null && baseSide.median_ms > 0 ? headSide.median_ms / baseSide.median_ms : 0;
    let verdict;
    if (rateRatio >= options.frequencyRatio && frequency[index] < options.regressionAlpha) {
      verdict = {
        class: "more-frequent",
        p_value: frequency[index],
        reason: `${round(headSide.rate)} spikes per repeat against ${round(baseSide.rate)} in the history (${round(rateRatio, 1)}\xD7, ${pText(frequency[index])})`
      };
    } else if (baseSide.spikes >= options.minBaseSpikes && lengthRatio >= options.lengthRatio && lengths[index] < options.regressionAlpha) {
      verdict = {
        class: "worse",
        p_value: lengths[index],
        reason: `a typical spike of ${round(headSide.median_ms, 1)} ms against ${round(baseSide.median_ms, 1)} ms in the history (${round(lengthRatio, 1)}\xD7, ${pText(lengths[index])})`
      };
    } else {
      verdict = {
        class: "persisting",
        p_value: null,
        reason: `${round(headSide.rate)} spikes per repeat against ${round(baseSide.rate)} in the history`
      };
    }
    verdicts.push({ signature, head: headSide, base: baseSide, ...verdict });
  });
  const newest = tally(history.slice(0, 1));
  for (const signature of newest.bySignature.keys()) {
    if (headTally.bySignature.has(signature)) continue;
    const baseSide = evidence(base, signature);
    verdicts.push({
      signature,
      class: "resolved",
      head: evidence(headTally, signature),
      base: baseSide,
      p_value: null,
      reason: `in the newest base report, in none of the ${headTally.repeats} head repeats`
    });
  }
  return verdicts;
}
var DEFAULT_SETTINGS = { ...DEFAULT_VERDICT, failOn: "new" };
var FAILING = {
  new: ["new"],
  regression: ["new", "more-frequent", "worse"],
  never: []
};
function failing(verdicts, failOn) {
  return verdicts.filter((verdict) => FAILING[failOn].includes(verdict.class));
}

// src/options.ts
import { createHash } from "node:crypto";

// src/files.ts
import { constants } from "node:fs";
import { open } from "node:fs/promises";
var SmallFileError = class extends Error {
};
async function readSmallFile(path, limit, what) {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error2) {
    const code = error2.code;
    throw new SmallFileError(
      code === "ENOENT" ? "no such file" : `cannot be read (${code ?? "unknown error"})`
    );
  }
  try {
    const info2 = await handle.stat();
    if (!info2.isFile()) throw new SmallFileError("not a regular file");
    if (info2.size > limit) {
      throw new SmallFileError(
        `${info2.size} bytes, more than the ${limit / 1024 / 1024} MiB ${what} may have`
      );
    }
    return await handle.readFile("utf8");
  } finally {
    await handle.close();
  }
}

// src/options.ts
var UsageError = class extends Error {
};
function parseNumber(label2, value) {
  const number = Number(value);
  if (!Number.isFinite(number)) throw new UsageError(`${label2} must be a number; got "${value}"`);
  return number;
}
var REGISTRY_LIMIT = 16 * 1024 * 1024;
async function readRegistryFile(path) {
  try {
    return await readSmallFile(path, REGISTRY_LIMIT, "a registry");
  } catch (error2) {
    if (error2 instanceof SmallFileError)
      throw new UsageError(`plugin registry ${path}: ${error2.message}`);
    throw error2;
  }
}
async function threadPattern(source, name) {
  if (source === DEFAULT_TICK_THREAD) return new RegExp(source);
  const { RE2JS } = await import("./chunks/build-ATYSDFUB.js");
  let compiled;
  try {
    compiled = RE2JS.compile(source);
  } catch (error2) {
    throw new UsageError(
      `${name} is not a valid regular expression (RE2 syntax: no lookarounds or backreferences): ${errorMessage(error2)}`
    );
  }
  return { source, test: (value) => compiled.test(value) };
}
async function loadRegistry(path) {
  const content = await readRegistryFile(path);
  let json;
  try {
    json = JSON.parse(content);
  } catch (error2) {
    throw new UsageError(`plugin registry ${path}: not valid JSON (${errorMessage(error2)})`);
  }
  try {
    return parseRegistry(json);
  } catch (error2) {
    if (error2 instanceof RegistryError)
      throw new UsageError(`plugin registry ${path}: ${error2.message}`);
    throw error2;
  }
}
var trimmed = (value) => (Array.isArray(value) ? value.join(",") : value).trim();
var items = (value) => (Array.isArray(value) ? value : [value]).flatMap((item) => item.split(/[,\n]/)).map((item) => item.trim()).filter((item) => item !== "");
var folders = (value) => (Array.isArray(value) ? value : value.split("\n")).map((item) => item.trim()).filter((item) => item !== "");
var ANALYSIS_OPTIONS = [
  {
    name: "metric",
    raw: "metric",
    kind: "value",
    argument: "NAME",
    help: `L0 metric to detect on (default: first of ${MSPT_METRICS.join(", ")})`,
    default: "",
    parse(value, _label, options) {
      options.metric = trimmed(value);
    },
    report: { key: "metric", value: (options) => options.metric ?? null }
  },
  {
    name: "threshold-ms",
    raw: "thresholdMs",
    kind: "value",
    argument: "N",
    help: `spike floor in ms, at least ${FLOOR_MS} (default ${FLOOR_MS})`,
    default: String(FLOOR_MS),
    parse(value, label2, options) {
      options.thresholdMs = parseNumber(label2, trimmed(value));
      if (options.thresholdMs < FLOOR_MS) {
        throw new UsageError(
          `${label2} must be at least ${FLOOR_MS} (the ${FLOOR_MS} ms floor is never lowered); got ${trimmed(value)}`
        );
      }
    },
    report: { key: "threshold_ms", value: (options) => options.thresholdMs }
  },
  {
    name: "sigma-mult",
    raw: "sigmaMult",
    kind: "value",
    argument: "K",
    help: `threshold = max(floor, p95 + K\xB7\u03C3) (default ${DEFAULT_OPTIONS.sigmaMult})`,
    default: String(DEFAULT_OPTIONS.sigmaMult),
    parse(value, label2, options) {
      options.sigmaMult = parseNumber(label2, trimmed(value));
      if (options.sigmaMult < 0) {
        throw new UsageError(`${label2} must be zero or more; got ${trimmed(value)}`);
      }
    },
    report: { key: "sigma_mult", value: (options) => options.sigmaMult }
  },
  {
    name: "spread",
    raw: "spread",
    kind: "value",
    argument: "stddev|mad",
    help: "\u03C3 as the standard deviation (default) or 1.4826 \xD7 the median absolute deviation",
    default: "stddev",
    parse(value, label2, options) {
      const spread = trimmed(value);
      if (spread !== "stddev" && spread !== "mad") {
        throw new UsageError(`${label2} must be stddev or mad; got "${spread}"`);
      }
      options.spread = spread;
    },
    report: { key: "spread", value: (options) => options.spread }
  },
  {
    name: "tick-thread",
    raw: "tickThread",
    kind: "value",
    argument: "REGEX",
    help: `thread names that tick the server, RE2 syntax (default ${DEFAULT_TICK_THREAD})`,
    default: DEFAULT_TICK_THREAD,
    async parse(value, label2, options) {
      options.tickThread = await threadPattern(trimmed(value), label2);
    },
    report: { key: "tick_thread", value: (options) => options.tickThread.source }
  },
  {
    name: "plugin-packages",
    raw: "pluginPackages",
    kind: "value",
    argument: "FILE",
    help: 'JSON registry: { "PluginName": ["package.prefix", \u2026] }',
    default: "",
    path: true,
    async parse(value, _label, options) {
      options.registry = await loadRegistry(trimmed(value));
    },
    report: { key: "plugin_registry", value: registryDigest }
  },
  {
    name: "not-plugin",
    raw: "notPlugin",
    kind: "list",
    argument: "PREFIXES",
    help: "extra comma-separated package prefixes that are never plugin code",
    default: "",
    parse(value, _label, options) {
      const extra = items(value);
      if (extra.length > 0) options.notPluginPrefixes = [...NOT_PLUGIN_PREFIXES, ...extra];
    },
    report: {
      key: "not_plugin",
      value: (options) => options.notPluginPrefixes.filter((prefix) => !NOT_PLUGIN_PREFIXES.includes(prefix))
    }
  },
  {
    name: "library-plugins",
    raw: "libraryPlugins",
    kind: "list",
    argument: "NAMES",
    help: "more comma-separated plugin names that are libraries (passed over); none: no built-in ones",
    default: "",
    parse(value, _label, options) {
      const names = items(value);
      const none = (name) => name.toLowerCase() === "none";
      options.libraries = { builtIn: !names.some(none), extra: names.filter((name) => !none(name)) };
    },
    report: { key: "library_plugins", value: libraryNames }
  },
  {
    name: "plugins-dir",
    raw: "pluginsDir",
    kind: "list",
    argument: "DIR",
    help: "name plugins from the *.jar files in DIR, the server's plugins/ or mods/ (repeatable; input: one a line)",
    default: "",
    path: true,
    async parse(value, label2, options) {
      const { readPluginJars, PluginsDirError } = await import("./chunks/plugin-jars-QB6GSLD3.js");
      try {
        options.pluginJars = await readPluginJars(folders(value), options.notPluginPrefixes);
      } catch (error2) {
        if (error2 instanceof PluginsDirError) throw new UsageError(`${label2} ${error2.message}`);
        throw error2;
      }
    },
    report: { key: "plugin_jars", value: (options) => options.pluginJars?.jars.slice() ?? null }
  }
];
function libraryNames(options) {
  const builtIn = options.libraries.builtIn ? [...BUILT_IN_LIBRARY_PLUGINS.keys()] : [];
  return [.../* @__PURE__ */ new Set([...builtIn, ...options.libraries.extra])];
}
function numberOption(name, raw, key, defaults2, help, check, expected) {
  return {
    name,
    raw,
    kind: "value",
    argument: "N",
    help,
    default: String(defaults2[key]),
    parse(value, label2, settings) {
      const number = parseNumber(label2, trimmed(value));
      if (!check(number))
        throw new UsageError(`${label2} must be ${expected}; got ${trimmed(value)}`);
      settings[key] = number;
    },
    // verdict and tail options judge or follow; they are not analysis options a report records
    report: void 0
  };
}
function verdictNumber(name, raw, key, help, check, expected) {
  return numberOption(name, raw, key, DEFAULT_SETTINGS, help, check, expected);
}
var VERDICT_OPTIONS = [
  {
    name: "fail-on",
    raw: "failOn",
    kind: "value",
    argument: "new|regression|never",
    help: "what fails: confirmed new signatures (default), also more frequent or worse ones, or nothing",
    default: DEFAULT_SETTINGS.failOn,
    parse(value, label2, settings) {
      const failOn = trimmed(value);
      if (failOn !== "new" && failOn !== "regression" && failOn !== "never") {
        throw new UsageError(`${label2} must be new, regression or never; got "${failOn}"`);
      }
      settings.failOn = failOn;
    },
    report: void 0
  },
  verdictNumber(
    "min-repeats",
    "minRepeats",
    "minRepeats",
    `head repeats a new signature must appear in to be confirmed (default ${DEFAULT_SETTINGS.minRepeats})`,
    (value) => Number.isInteger(value) && value >= 1,
    "a whole number, at least 1"
  ),
  verdictNumber(
    "alpha",
    "alpha",
    "alpha",
    `significance level that confirms a new signature (default ${DEFAULT_SETTINGS.alpha})`,
    (value) => value > 0 && value < 1,
    "between 0 and 1"
  ),
  verdictNumber(
    "regression-alpha",
    "regressionAlpha",
    "regressionAlpha",
    `significance level of more frequent and worse (default ${DEFAULT_SETTINGS.regressionAlpha})`,
    (value) => value > 0 && value < 1,
    "between 0 and 1"
  ),
  verdictNumber(
    "frequency-ratio",
    "frequencyRatio",
    "frequencyRatio",
    `spikes per repeat against the history's that make "more frequent" (default ${DEFAULT_SETTINGS.frequencyRatio})`,
    (value) => value >= 1,
    "at least 1"
  ),
  verdictNumber(
    "length-ratio",
    "lengthRatio",
    "lengthRatio",
    `typical spike length against the history's that makes "worse" (default ${DEFAULT_SETTINGS.lengthRatio})`,
    (value) => value >= 1,
    "at least 1"
  )
];
async function parseVerdictOptions(raw, label2 = (name) => `--${name}`, defaults2 = DEFAULT_SETTINGS) {
  const settings = { ...defaults2 };
  for (const spec of VERDICT_OPTIONS) {
    const value = raw[spec.raw];
    if (isGiven(value)) await spec.parse(value, label2(spec.name), settings);
  }
  return settings;
}
var isGiven = (value) => value !== void 0 && (Array.isArray(value) ? value.length > 0 : value.trim() !== "");
async function parseAnalysisOptions(raw, label2 = (name) => `--${name}`) {
  const options = { ...DEFAULT_OPTIONS };
  for (const spec of ANALYSIS_OPTIONS) {
    const value = raw[spec.raw];
    if (isGiven(value)) await spec.parse(value, label2(spec.name), options);
  }
  return options;
}
function prefixPairs(registry) {
  return [...registry].flatMap(([name, entry]) => entry.packages.map((prefix) => [prefix, name])).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
}
function registryDigest(options) {
  const explicit = prefixPairs(options.registry);
  const library = [...options.registry].filter(([, entry]) => entry.library !== void 0).map(([name, entry]) => [name, entry.library]);
  const jars = options.pluginJars;
  if (explicit.length === 0 && library.length === 0 && !jars) return null;
  const content = library.length === 0 && !jars ? explicit : { explicit, library, jars: jars ? prefixPairs(jars.registry) : [], shared: jars?.shared };
  return createHash("sha256").update(JSON.stringify(content)).digest("hex").slice(0, 16);
}
function optionNotes(options) {
  return options.pluginJars ? [...options.pluginJars.notes] : [];
}
function describeOptions(options) {
  return Object.fromEntries(
    ANALYSIS_OPTIONS.map((spec) => [spec.report.key, spec.report.value(options)])
  );
}
function changedOptions(base, head) {
  if (!base || !head) return [];
  return ANALYSIS_OPTIONS.map((spec) => spec.report.key).filter(
    (key) => key in base && key in head && JSON.stringify(base[key]) !== JSON.stringify(head[key])
  );
}
var DEFAULT_TAIL_SETTINGS = {
  intervalS: 5,
  windowS: 300,
  heartbeatEvery: 1,
  from: "now"
};
function tailNumber(name, key, help, check, expected) {
  return numberOption(name, key, key, DEFAULT_TAIL_SETTINGS, help, check, expected);
}
var TAIL_OPTIONS = [
  tailNumber(
    "interval-s",
    "intervalS",
    `seconds between polls (default ${DEFAULT_TAIL_SETTINGS.intervalS})`,
    (value) => value >= 0.05 && value <= 86400,
    "between 0.05 and 86400"
  ),
  tailNumber(
    "window-s",
    "windowS",
    `rolling window of the threshold, seconds (default ${DEFAULT_TAIL_SETTINGS.windowS})`,
    (value) => value > 0 && value <= 30 * 86400,
    "more than 0 and at most 30 days"
  ),
  tailNumber(
    "heartbeat-every",
    "heartbeatEvery",
    `a heartbeat line every N polls, 0 for none (default ${DEFAULT_TAIL_SETTINGS.heartbeatEvery})`,
    (value) => Number.isInteger(value) && value >= 0,
    "a whole number, 0 or more"
  ),
  {
    name: "from",
    raw: "from",
    kind: "value",
    argument: "start|now",
    help: "read runs from their first row, or only rows that arrive after tail started (default)",
    default: DEFAULT_TAIL_SETTINGS.from,
    parse(value, label2, settings) {
      const from = trimmed(value);
      if (from !== "start" && from !== "now") {
        throw new UsageError(`${label2} must be start or now; got "${from}"`);
      }
      settings.from = from;
    },
    report: void 0
  }
];

// src/pipeline.ts
import { join as join3, relative as relative2 } from "node:path";

// src/forge/artifacts.ts
var import_picomatch2 = __toESM(require_picomatch2(), 1);
import { readdir as readdir2 } from "node:fs/promises";
import { join as join2, relative, resolve, isAbsolute, sep } from "node:path";

// src/telemetry/discover.ts
var import_picomatch = __toESM(require_picomatch2(), 1);
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
var identity = (info2) => `${info2.dev}:${info2.ino}`;
async function walkFiles(root, skipped = /* @__PURE__ */ new Set()) {
  const seen = /* @__PURE__ */ new Set();
  const walked = { files: [], broken: [] };
  async function walk(directory, prefix, info3) {
    if (seen.has(identity(info3))) return;
    seen.add(identity(info3));
    const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    for (const entry of entries) {
      const path = join(directory, entry.name);
      const relative7 = prefix ? `${prefix}/${entry.name}` : entry.name;
      const target = entry.isSymbolicLink() ? await stat(path).catch(() => null) : void 0;
      if (target === null) {
        walked.broken.push(relative7);
      } else if (target ? target.isDirectory() : entry.isDirectory()) {
        if (!skipped.has(entry.name)) await walk(path, relative7, target ?? await stat(path));
      } else {
        const file = target ?? await stat(path).catch(() => null);
        if (file === null || seen.has(identity(file))) continue;
        seen.add(identity(file));
        walked.files.push(relative7);
      }
    }
  }
  const info2 = await stat(root).catch(() => null);
  if (info2?.isDirectory()) await walk(root, "", info2);
  return walked;
}
var SKIPPED_DIRECTORIES = /* @__PURE__ */ new Set([".git", "node_modules"]);
var NOT_WILDCARDS = /[()[\]{}!+@|$^,"]/g;
function wildcardsOnly(pattern) {
  return pattern.replace(NOT_WILDCARDS, "\\$&");
}
function globPattern(glob) {
  return import_picomatch.default.makeRe(wildcardsOnly(glob), { dot: true });
}
async function globFiles(root, globs, alsoUnder = []) {
  const include = globs.filter((glob) => !glob.startsWith("!")).map(globPattern);
  const exclude = globs.filter((glob) => glob.startsWith("!")).map((glob) => globPattern(glob.slice(1)));
  const { files } = await walkFiles(root, SKIPPED_DIRECTORIES);
  const views = (file) => [
    file,
    ...alsoUnder.filter((dir) => file.startsWith(`${dir}/`)).map((dir) => file.slice(dir.length + 1))
  ];
  return files.filter((file) => {
    const names = views(file);
    return names.some((name) => include.some((pattern) => pattern.test(name))) && !names.some((name) => exclude.some((pattern) => pattern.test(name)));
  }).sort();
}

// src/forge/artifacts.ts
async function uploadReport(service, context, name, files, rootDirectory) {
  let id;
  try {
    ;
    ({ id } = await service.uploadArtifact(name, files, rootDirectory));
  } catch (error2) {
    if (!/already exists|409|Conflict/i.test(errorMessage(error2))) throw error2;
    await service.deleteArtifact(name);
    ({ id } = await service.uploadArtifact(name, files, rootDirectory));
  }
  const url = id !== void 0 && context.runId !== null ? `${context.serverUrl}/${context.owner}/${context.repo}/actions/runs/${context.runId}/artifacts/${id}` : void 0;
  return { id, url };
}
var NAME_SLASH = "\u2215";
var asSegment = (text2) => `_${text2.replaceAll("/", NAME_SLASH)}`;
function namePattern(pattern) {
  const matches = (0, import_picomatch2.default)(asSegment(wildcardsOnly(pattern)), { dot: true });
  return { test: (name) => matches(asSegment(name)) };
}
function safeFolderName(name) {
  return name !== "" && name !== "." && name !== ".." && !/[/\\\u0000-\u001f\u007f]/.test(name);
}
var unsafeNameWarning = (name) => `skipped artifact ${JSON.stringify(name)}: its name is not a safe folder name (empty, "." or "..", or with / \\ or control characters); rename it where it is uploaded`;
function folderInside(root, name) {
  const path = resolve(root, name);
  const inside = relative(resolve(root), path);
  return inside !== "" && !inside.startsWith("..") && !isAbsolute(inside) && !inside.includes(sep) ? path : null;
}
async function downloadRunArtifacts(service, patterns, root, log2) {
  const matchers = patterns.map(namePattern);
  const { artifacts } = await service.listArtifacts({ latest: true });
  const wanted = artifacts.filter(
    (artifact) => matchers.some((matcher) => matcher.test(artifact.name))
  );
  const downloaded = [];
  for (const artifact of wanted) {
    const path = safeFolderName(artifact.name) ? folderInside(root, artifact.name) : null;
    if (path === null) {
      log2.warning(unsafeNameWarning(artifact.name));
      continue;
    }
    await service.downloadArtifact(artifact.id, { path });
    downloaded.push(artifact.name);
  }
  return { names: downloaded.sort(), unusable: [] };
}
var ARTIFACTS_DIR = ".iostorm-artifacts";
async function fetchTelemetryArtifacts(patterns, artifacts, workspace, log2) {
  if (patterns.length === 0) return [];
  const downloaded = await artifacts.downloadRunArtifacts(patterns, join2(workspace, ARTIFACTS_DIR));
  if (downloaded === null) return [];
  const { names, unusable } = downloaded;
  if (names.length === 0 && unusable.length === 0) {
    log2.warning(`no artifact of this run matches ${patterns.map((p) => `"${p}"`).join(", ")}`);
  } else if (names.length > 0) {
    log2.info(`downloaded ${names.length} artifact(s) into ${ARTIFACTS_DIR}/: ${names.join(", ")}`);
  }
  return unusable;
}
async function artifactFolders(workspace) {
  const entries = await readdir2(join2(workspace, ARTIFACTS_DIR), { withFileTypes: true }).catch(
    () => []
  );
  return entries.filter((entry) => entry.isDirectory()).map((entry) => `${ARTIFACTS_DIR}/${entry.name}`);
}

// src/pipeline.ts
async function analyseFiles(files, options, show = (file) => file) {
  const runs = [];
  const errors = [];
  for (const file of files) {
    try {
      runs.push(await analyseFile(file, options, show(file)));
    } catch (error2) {
      const message = error2 instanceof EventsFileError ? error2.problem : `internal error (${errorMessage(error2)})`;
      errors.push({ file: show(file), message });
    }
  }
  return { runs, errors };
}
async function analyseEvents(workspace, globs, options, log2) {
  const files = await globFiles(workspace, globs, await artifactFolders(workspace));
  if (files.length === 0) {
    throw new UsageError(
      `no file matches input "events" (${globs.join(", ")}) in ${workspace} or ${ARTIFACTS_DIR}/`
    );
  }
  log2.info(`analysing ${files.length} file(s)`);
  const analysed = await analyseFiles(
    files.map((file) => join3(workspace, file)),
    options,
    (file) => relative2(workspace, file)
  );
  for (const error2 of analysed.errors) log2.error(`${error2.file}: ${error2.message}`);
  return analysed;
}

// schema/report.schema.json
var report_schema_default = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://github.com/io-storm-catcher/io-storm-catcher/schema/report.schema.json",
  title: "io-storm-catcher report",
  description: "Report JSON, schema_version 1. Field names are a contract; fields may be added, so objects allow more properties. 64-bit nanosecond times are decimal strings.",
  type: "object",
  required: ["schema_version", "generator", "runs", "signatures", "diff"],
  properties: {
    schema_version: { const: 1 },
    generator: {
      type: "object",
      required: ["name", "version"],
      properties: {
        name: { const: "io-storm-catcher" },
        version: { type: "string", pattern: "^\\d+\\.\\d+\\.\\d+" }
      }
    },
    options: {
      type: "object",
      required: ["metric", "threshold_ms", "sigma_mult", "tick_thread"],
      properties: {
        metric: { type: ["string", "null"] },
        threshold_ms: { type: "number", minimum: 50 },
        sigma_mult: { type: "number", minimum: 0 },
        spread: { enum: ["stddev", "mad"] },
        tick_thread: { type: "string" },
        plugin_registry: { type: ["string", "null"] },
        not_plugin: { type: "array", items: { type: "string" } },
        library_plugins: { type: "array", items: { type: "string" } },
        plugin_jars: {
          oneOf: [{ type: "null" }, { type: "array", items: { type: "string" } }]
        }
      }
    },
    runs: { type: "array", items: { $ref: "#/$defs/run" } },
    signatures: { type: "array", items: { $ref: "#/$defs/signature" } },
    diff: { oneOf: [{ type: "null" }, { $ref: "#/$defs/diff" }] },
    errors: {
      type: "array",
      items: {
        type: "object",
        required: ["file", "message"],
        properties: { file: { type: "string" }, message: { type: "string" } }
      }
    },
    notes: { type: "array", items: { type: "string" } }
  },
  $defs: {
    nanoseconds: { type: "string", pattern: "^-?\\d+$" },
    ms: { type: "number", minimum: 0 },
    optionalName: { type: ["string", "null"] },
    notes: { type: "array", items: { type: "string" } },
    run: {
      type: "object",
      required: [
        "run_id",
        "repeat",
        "file",
        "metric",
        "samples",
        "floor_ms",
        "p95_ms",
        "sigma_ms",
        "sigma_mult",
        "threshold_ms",
        "layers",
        "spikes",
        "notes"
      ],
      properties: {
        run_id: { type: "string" },
        repeat: { type: "integer" },
        file: { type: "string" },
        metric: { $ref: "#/$defs/optionalName" },
        samples: { type: "integer", minimum: 0 },
        floor_ms: { type: "number", minimum: 50 },
        p95_ms: { type: ["number", "null"] },
        sigma_ms: { type: ["number", "null"], minimum: 0 },
        sigma_mult: { type: "number", minimum: 0 },
        threshold_ms: { type: ["number", "null"], minimum: 50 },
        start_ns: { $ref: "#/$defs/nanoseconds" },
        rows: { type: "integer", minimum: 0 },
        layers: {
          type: "object",
          additionalProperties: { type: "integer", minimum: 0 }
        },
        sampling_interval_ms: { type: ["number", "null"], exclusiveMinimum: 0 },
        sampling_source: { enum: ["weight", "median-gap", "default"] },
        series: {
          oneOf: [
            { type: "null" },
            {
              type: "object",
              required: ["bucket_ms", "max_ms"],
              properties: {
                bucket_ms: { type: "number", exclusiveMinimum: 0 },
                max_ms: { type: "array", items: { type: ["number", "null"] } }
              }
            }
          ]
        },
        spikes: { type: "array", items: { $ref: "#/$defs/spike" } },
        spikes_omitted: {
          type: "integer",
          minimum: 0,
          description: "Spikes above the threshold that were not attributed (a run keeps its worst ones)."
        },
        notes: { $ref: "#/$defs/notes" }
      }
    },
    spike: {
      type: "object",
      required: [
        "ts_ns",
        "start_ns",
        "end_ns",
        "value_ms",
        "top_thread",
        "top_plugin",
        "entry_plugin",
        "first_syscall",
        "top_path",
        "top_device",
        "signature",
        "threads",
        "plugins",
        "syscalls",
        "paths",
        "devices",
        "notes"
      ],
      properties: {
        ts_ns: { $ref: "#/$defs/nanoseconds" },
        start_ns: { $ref: "#/$defs/nanoseconds" },
        end_ns: { $ref: "#/$defs/nanoseconds" },
        offset_ms: { type: "number" },
        value_ms: { type: "number" },
        top_thread: { $ref: "#/$defs/optionalName" },
        top_plugin: { $ref: "#/$defs/optionalName" },
        entry_plugin: { $ref: "#/$defs/optionalName" },
        via_plugin: { $ref: "#/$defs/optionalName" },
        gc_pause_ms: { type: ["number", "null"], minimum: 0 },
        first_syscall: { $ref: "#/$defs/optionalName" },
        first_syscall_scope: { enum: ["tick-thread", "all-threads", null] },
        top_path: { $ref: "#/$defs/optionalName" },
        top_device: { $ref: "#/$defs/optionalName" },
        signature: { type: "string", pattern: "^.+\\|.+$" },
        threads: {
          type: "array",
          items: {
            type: "object",
            required: ["thread", "tid", "samples", "cpu_ms", "syscall_ms", "io_bytes"],
            properties: {
              thread: { type: "string" },
              tid: { type: ["integer", "null"] },
              tick_thread: { type: "boolean" },
              samples: { type: "integer", minimum: 0 },
              cpu_ms: { $ref: "#/$defs/ms" },
              syscall_ms: { $ref: "#/$defs/ms" },
              wait_ms: { $ref: "#/$defs/ms" },
              io_bytes: { type: "number", minimum: 0 }
            }
          }
        },
        plugins: {
          type: "array",
          items: {
            type: "object",
            required: ["plugin", "samples"],
            properties: {
              plugin: { type: "string" },
              samples: { type: "integer", minimum: 1 },
              tick_thread_samples: { type: "integer", minimum: 0 },
              cpu_ms: { $ref: "#/$defs/ms" }
            }
          }
        },
        syscalls: {
          type: "array",
          items: {
            type: "object",
            required: ["syscall", "count", "total_ms", "max_ms"],
            properties: {
              syscall: { type: "string" },
              wait: { type: "boolean" },
              count: { type: "integer", minimum: 1 },
              total_ms: { $ref: "#/$defs/ms" },
              max_ms: { $ref: "#/$defs/ms" }
            }
          }
        },
        paths: {
          type: "array",
          items: {
            type: "object",
            required: ["path", "total_ms", "bytes", "ops"],
            properties: {
              path: { type: "string" },
              total_ms: { $ref: "#/$defs/ms" },
              bytes: { type: "number", minimum: 0 },
              ops: { type: "integer", minimum: 1 }
            }
          }
        },
        devices: {
          type: "array",
          items: {
            type: "object",
            required: ["device", "bytes", "ops", "total_ms"],
            properties: {
              device: { type: "string" },
              bytes: { type: "number", minimum: 0 },
              ops: { type: "integer", minimum: 1 },
              total_ms: { $ref: "#/$defs/ms" }
            }
          }
        },
        notes: { $ref: "#/$defs/notes" }
      }
    },
    signature: {
      type: "object",
      required: ["signature", "top_plugin", "first_syscall", "spikes", "repeats", "worst_ms"],
      properties: {
        signature: { type: "string" },
        top_plugin: { $ref: "#/$defs/optionalName" },
        first_syscall: { $ref: "#/$defs/optionalName" },
        spikes: { type: "integer", minimum: 1 },
        repeats: { type: "integer", minimum: 1 },
        worst_ms: { type: "number" }
      }
    },
    persisting: {
      allOf: [
        { $ref: "#/$defs/signature" },
        {
          type: "object",
          required: ["base_spikes", "head_spikes"],
          properties: {
            base_spikes: { type: "integer", minimum: 1 },
            head_spikes: { type: "integer", minimum: 1 },
            base_worst_ms: { type: "number" }
          }
        }
      ]
    },
    diff: {
      type: "object",
      required: ["base", "new", "resolved", "persisting"],
      properties: {
        options_changed: { type: "array", items: { type: "string" } },
        base: { $ref: "#/$defs/source" },
        history: {
          type: "object",
          required: ["reports", "repeats", "sources"],
          properties: {
            reports: { type: "integer", minimum: 1 },
            repeats: { type: "integer", minimum: 0 },
            sources: { type: "array", items: { $ref: "#/$defs/source" } }
          }
        },
        verdict_options: {
          type: "object",
          properties: {
            fail_on: { enum: ["new", "regression", "never"] },
            min_repeats: { type: "integer", minimum: 1 },
            alpha: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 },
            regression_alpha: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 },
            frequency_ratio: { type: "number", minimum: 1 },
            length_ratio: { type: "number", minimum: 1 },
            min_base_spikes: { type: "integer", minimum: 0 }
          }
        },
        new: { type: "array", items: { $ref: "#/$defs/judged" } },
        new_unconfirmed: { type: "array", items: { $ref: "#/$defs/judged" } },
        more_frequent: { type: "array", items: { $ref: "#/$defs/judged" } },
        worse: { type: "array", items: { $ref: "#/$defs/judged" } },
        resolved: { type: "array", items: { $ref: "#/$defs/judged" } },
        persisting: { type: "array", items: { $ref: "#/$defs/persisting" } },
        failing: { type: "array", items: { type: "string" } },
        incomplete: { type: "boolean" },
        unseen: { type: "array", items: { $ref: "#/$defs/judged" } }
      }
    },
    source: {
      type: "object",
      required: ["kind", "location"],
      properties: {
        kind: { enum: ["report", "events", "artifact"] },
        location: { type: "string" },
        run_id: { type: "string" },
        commit: { type: "string" },
        url: { type: "string" }
      }
    },
    judged: {
      type: "object",
      allOf: [{ $ref: "#/$defs/signature" }],
      properties: { judgement: { $ref: "#/$defs/judgement" } }
    },
    judgement: {
      type: "object",
      required: ["class", "reason", "p_value", "head", "base"],
      properties: {
        class: {
          enum: ["new", "new-unconfirmed", "more-frequent", "worse", "persisting", "resolved"]
        },
        reason: { type: "string" },
        p_value: { type: ["number", "null"], minimum: 0, maximum: 1 },
        head: { $ref: "#/$defs/evidence" },
        base: { $ref: "#/$defs/evidence" }
      }
    },
    evidence: {
      type: "object",
      required: ["repeats_with", "repeats", "spikes", "rate"],
      properties: {
        repeats_with: { type: "integer", minimum: 0 },
        repeats: { type: "integer", minimum: 0 },
        spikes: { type: "integer", minimum: 0 },
        rate: { type: "number", minimum: 0 },
        median_ms: { type: ["number", "null"] },
        worst_ms: { type: ["number", "null"] }
      }
    }
  }
};

// src/version.ts
var VERSION = "0.1.0";

// src/report/json.ts
var DETAILED_SPIKES = 1e3;
function trimDetail(runs) {
  const spikes = runs.flatMap((run2) => run2.spikes);
  if (spikes.length <= DETAILED_SPIKES) return;
  const worstFirst = [...spikes].sort((a, b) => b.value_ms - a.value_ms);
  for (const spike of worstFirst.slice(DETAILED_SPIKES)) {
    if (spike.threads.length + spike.plugins.length + spike.syscalls.length === 0) continue;
    spike.threads = [];
    spike.plugins = [];
    spike.syscalls = [];
    spike.paths = [];
    spike.devices = [];
    spike.notes = [
      `thread, plugin, syscall, path and device lists left out: a report keeps them for its ${DETAILED_SPIKES} worst spikes`
    ];
  }
}
function buildReport({
  runs,
  errors,
  options,
  diff = null,
  notes = []
}) {
  trimDetail(runs);
  return {
    schema_version: 1,
    generator: { name: "io-storm-catcher", version: VERSION },
    options,
    runs,
    signatures: summariseSignatures(runs),
    diff,
    errors,
    notes
  };
}
function reportToJson(report) {
  return JSON.stringify(report, null, 2) + "\n";
}
var ReportFormatError = class extends Error {
};
var REPORT_READ_LIMIT = 32 * 1024 * 1024;
var validator;
async function validateAgainstSchema(value) {
  validator ??= import("./chunks/2020-MRFARCI4.js").then((ajv) => {
    const Ajv2020 = ajv.Ajv2020 ?? ajv.default;
    return new Ajv2020({ allErrors: false, strict: false }).compile(report_schema_default);
  });
  const validate = await validator;
  return validate(value) ? [] : validate.errors ?? [];
}
function describeViolation(error2) {
  if (!error2) return "it does not match the report schema";
  const where = error2.instancePath === "" ? "the report" : `"${error2.instancePath.slice(0, 80)}"`;
  return `${where} ${error2.message ?? "does not match the report schema"}`;
}
async function parseReport(json) {
  let parsed;
  try {
    parsed = JSON.parse(json);
  } catch (error2) {
    throw new ReportFormatError(`not valid JSON (${errorMessage(error2).slice(0, 120)})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ReportFormatError("not an io-storm-catcher report (not an object)");
  }
  const version = parsed.schema_version;
  if (version !== 1) {
    throw new ReportFormatError(
      `unsupported report schema_version ${JSON.stringify(version)?.slice(0, 40)} (expected 1)`
    );
  }
  const violations = await validateAgainstSchema(parsed);
  if (violations.length > 0) {
    throw new ReportFormatError(`not a valid report: ${describeViolation(violations[0])}`);
  }
  const report = parsed;
  return {
    schema_version: 1,
    signatures: report.signatures,
    runs: report.runs,
    options: report.options
  };
}
async function readReportFile(path) {
  let text2;
  try {
    text2 = await readSmallFile(path, REPORT_READ_LIMIT, "a stored report");
  } catch (error2) {
    if (error2 instanceof SmallFileError) throw new ReportFormatError(error2.message);
    throw error2;
  }
  return parseReport(text2);
}

// src/compare.ts
function historyRuns(runs) {
  return runs.map((run2) => ({
    ...run2,
    series: null,
    spikes: run2.spikes.map((spike) => ({
      ...spike,
      threads: [],
      plugins: [],
      syscalls: [],
      paths: [],
      devices: [],
      notes: []
    }))
  }));
}
var NOT_COMPARED = { diff: null, verdict: "pass" };
function compare(history, head, settings = DEFAULT_SETTINGS) {
  const bases = (history ?? []).filter((base) => base.signatures !== null);
  if (bases.length === 0 || head.signatures === null) return { diff: null, verdict: "no-baseline" };
  const verdicts = classify(
    bases.map((base) => base.runs),
    head.runs,
    settings
  );
  const summaries = new Map(
    [...bases[0].signatures ?? [], ...head.signatures].map((entry) => [entry.signature, entry])
  );
  const judged = (verdict) => {
    const { signature, ...judgement } = verdict;
    const summary2 = summaries.get(signature);
    return { ...summary2, judgement };
  };
  const of = (...classes) => verdicts.filter((verdict) => classes.includes(verdict.class)).map(judged).sort(byRank);
  const changed = new Set(bases.flatMap((base) => changedOptions(base.options, head.options)));
  const diff = {
    base: bases[0].source,
    history: {
      reports: bases.length,
      repeats: bases.reduce((sum, base) => sum + base.runs.length, 0),
      sources: bases.map((base) => base.source)
    },
    options_changed: ANALYSIS_OPTIONS.map((spec) => spec.report.key).filter(
      (name) => changed.has(name)
    ),
    verdict_options: {
      fail_on: settings.failOn,
      min_repeats: settings.minRepeats,
      alpha: settings.alpha,
      regression_alpha: settings.regressionAlpha,
      frequency_ratio: settings.frequencyRatio,
      length_ratio: settings.lengthRatio,
      min_base_spikes: settings.minBaseSpikes
    },
    new: of("new"),
    new_unconfirmed: of("new-unconfirmed"),
    more_frequent: of("more-frequent"),
    worse: of("worse"),
    resolved: of("resolved"),
    persisting: of("persisting").map((entry) => ({
      ...entry,
      base_spikes: entry.judgement?.base.spikes ?? 0,
      head_spikes: entry.judgement?.head.spikes ?? entry.spikes,
      base_worst_ms: entry.judgement?.base.worst_ms ?? 0
    })),
    failing: failing(verdicts, settings.failOn).map((verdict) => verdict.signature)
  };
  const judgedAs = settings.failOn === "never" ? "new" : settings.failOn;
  return { diff, verdict: failing(verdicts, judgedAs).length > 0 ? "fail" : "pass" };
}
function markIncomplete(diff, unreadable) {
  if (unreadable === 0) return diff;
  return { ...diff, incomplete: true, unseen: diff.resolved, resolved: [] };
}
async function loadReport(path, shown = path) {
  const source = { kind: "report", location: shown };
  try {
    const stored = await readReportFile(path);
    return {
      runs: stored.runs,
      errors: [],
      signatures: stored.signatures,
      options: stored.options,
      source
    };
  } catch (error2) {
    return {
      runs: [],
      errors: [{ file: shown, message: errorMessage(error2) }],
      signatures: null,
      source
    };
  }
}

// src/forge/baseline.ts
import { relative as relative4 } from "node:path";

// node_modules/@octokit/plugin-throttling/dist-bundle/index.js
var import_light = __toESM(require_light(), 1);
var VERSION2 = "0.0.0-development";
var noop = () => Promise.resolve();
function wrapRequest(state, request, options) {
  return state.retryLimiter.schedule(doRequest, state, request, options);
}
async function doRequest(state, request, options) {
  const { pathname } = new URL(options.url, "http://github.test");
  const isAuth = isAuthRequest(options.method, pathname);
  const isWrite = !isAuth && options.method !== "GET" && options.method !== "HEAD";
  const isSearch = options.method === "GET" && pathname.startsWith("/search/");
  const isGraphQL = pathname.startsWith("/graphql");
  const retryCount = ~~request.retryCount;
  const jobOptions = retryCount > 0 ? { priority: 0, weight: 0 } : {};
  if (state.clustering) {
    jobOptions.expiration = 1e3 * 60;
  }
  if (isWrite || isGraphQL) {
    await state.write.key(state.id).schedule(jobOptions, noop);
  }
  if (isWrite && state.triggersNotification(pathname)) {
    await state.notifications.key(state.id).schedule(jobOptions, noop);
  }
  if (isSearch) {
    await state.search.key(state.id).schedule(jobOptions, noop);
  }
  const req = (isAuth ? state.auth : state.global).key(state.id).schedule(jobOptions, request, options);
  if (isGraphQL) {
    const res = await req;
    if (res.data.errors != null && res.data.errors.some((error2) => error2.type === "RATE_LIMITED")) {
      const error2 = Object.assign(new Error("GraphQL Rate Limit Exceeded"), {
        response: res,
        data: res.data
      });
      throw error2;
    }
  }
  return req;
}
function isAuthRequest(method, pathname) {
  return method === "PATCH" && // https://docs.github.com/en/rest/apps/apps?apiVersion=2022-11-28#create-a-scoped-access-token
  /^\/applications\/[^/]+\/token\/scoped$/.test(pathname) || method === "POST" && // https://docs.github.com/en/rest/apps/oauth-applications?apiVersion=2022-11-28#reset-a-token
  (/^\/applications\/[^/]+\/token$/.test(pathname) || // https://docs.github.com/en/rest/apps/apps?apiVersion=2022-11-28#create-an-installation-access-token-for-an-app
  /^\/app\/installations\/[^/]+\/access_tokens$/.test(pathname) || // https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
  pathname === "/login/oauth/access_token");
}
var triggers_notification_paths_default = [
  "/orgs/{org}/invitations",
  "/orgs/{org}/invitations/{invitation_id}",
  "/orgs/{org}/teams/{team_slug}/discussions",
  "/orgs/{org}/teams/{team_slug}/discussions/{discussion_number}/comments",
  "/repos/{owner}/{repo}/collaborators/{username}",
  "/repos/{owner}/{repo}/commits/{commit_sha}/comments",
  "/repos/{owner}/{repo}/issues",
  "/repos/{owner}/{repo}/issues/{issue_number}/comments",
  "/repos/{owner}/{repo}/issues/{issue_number}/sub_issue",
  "/repos/{owner}/{repo}/issues/{issue_number}/sub_issues/priority",
  "/repos/{owner}/{repo}/pulls",
  "/repos/{owner}/{repo}/pulls/{pull_number}/comments",
  "/repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies",
  "/repos/{owner}/{repo}/pulls/{pull_number}/merge",
  "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers",
  "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
  "/repos/{owner}/{repo}/releases",
  "/teams/{team_id}/discussions",
  "/teams/{team_id}/discussions/{discussion_number}/comments"
];
function routeMatcher(paths) {
  const regexes = paths.map(
    (path) => path.split("/").map((c) => c.startsWith("{") ? "(?:.+?)" : c).join("/")
  );
  const regex2 = `^(?:${regexes.map((r) => `(?:${r})`).join("|")})[^/]*$`;
  return new RegExp(regex2, "i");
}
var regex = routeMatcher(triggers_notification_paths_default);
var triggersNotification = regex.test.bind(regex);
var groups = {};
var createGroups = function(Bottleneck, common) {
  groups.global = new Bottleneck.Group({
    id: "octokit-global",
    maxConcurrent: 10,
    ...common
  });
  groups.auth = new Bottleneck.Group({
    id: "octokit-auth",
    maxConcurrent: 1,
    ...common
  });
  groups.search = new Bottleneck.Group({
    id: "octokit-search",
    maxConcurrent: 1,
    minTime: 2e3,
    ...common
  });
  groups.write = new Bottleneck.Group({
    id: "octokit-write",
    maxConcurrent: 1,
    minTime: 1e3,
    ...common
  });
  groups.notifications = new Bottleneck.Group({
    id: "octokit-notifications",
    maxConcurrent: 1,
    minTime: 3e3,
    ...common
  });
};
function throttling(octokit, octokitOptions) {
  const {
    enabled = true,
    Bottleneck = import_light.default,
    id = "no-id",
    timeout = 1e3 * 60 * 2,
    // Redis TTL: 2 minutes
    connection
  } = octokitOptions.throttle || {};
  if (!enabled) {
    return {};
  }
  const common = { timeout };
  if (typeof connection !== "undefined") {
    common.connection = connection;
  }
  const state = Object.assign(
    {
      clustering: connection != null,
      triggersNotification,
      fallbackSecondaryRateRetryAfter: 60,
      retryAfterBaseValue: 1e3,
      id
    },
    octokitOptions.throttle
  );
  if (typeof state.onSecondaryRateLimit !== "function" || typeof state.onRateLimit !== "function") {
    throw new Error(`octokit/plugin-throttling error:
        You must pass the onSecondaryRateLimit and onRateLimit error handlers.
        See https://octokit.github.io/rest.js/#throttling

        const octokit = new Octokit({
          throttle: {
            onSecondaryRateLimit: (retryAfter, options) => {/* ... */},
            onRateLimit: (retryAfter, options) => {/* ... */}
          }
        })
    `);
  }
  let initialized = false;
  const initializeBottleneck = () => {
    if (initialized) {
      return;
    }
    initialized = true;
    if (groups.global == null) {
      createGroups(Bottleneck, common);
    }
    state.global = state.global ?? groups.global;
    state.auth = state.auth ?? groups.auth;
    state.search = state.search ?? groups.search;
    state.write = state.write ?? groups.write;
    state.notifications = state.notifications ?? groups.notifications;
    state.retryLimiter = state.retryLimiter ?? new Bottleneck();
    const events = {};
    const emitter = new Bottleneck.Events(events);
    events.on("secondary-limit", state.onSecondaryRateLimit);
    events.on("rate-limit", state.onRateLimit);
    events.on(
      "error",
      (e) => octokit.log.warn("Error in throttling-plugin limit handler", e)
    );
    state.retryLimiter.on("failed", async function(error2, info2) {
      const [state2, request, options] = info2.args;
      const { pathname } = new URL(options.url, "http://github.test");
      const shouldRetryGraphQL = pathname.startsWith("/graphql") && error2.status !== 401;
      if (!(shouldRetryGraphQL || error2.status === 403 || error2.status === 429)) {
        return;
      }
      const retryCount = ~~request.retryCount;
      request.retryCount = retryCount;
      options.request.retryCount = retryCount;
      const { wantRetry, retryAfter = 0 } = await (async function() {
        if (/\bsecondary rate\b/i.test(error2.message)) {
          const retryAfter2 = Number(error2.response.headers["retry-after"]) || state2.fallbackSecondaryRateRetryAfter;
          const wantRetry2 = await emitter.trigger(
            "secondary-limit",
            retryAfter2,
            options,
            octokit,
            retryCount
          );
          return { wantRetry: wantRetry2, retryAfter: retryAfter2 };
        }
        if (error2.response.headers != null && error2.response.headers["x-ratelimit-remaining"] === "0" || (error2.response.data?.errors ?? []).some(
          (error22) => error22.type === "RATE_LIMITED"
        )) {
          const rateLimitReset = new Date(
            ~~error2.response.headers["x-ratelimit-reset"] * 1e3
          ).getTime();
          const retryAfter2 = Math.max(
            // Add one second so we retry _after_ the reset time
            // https://docs.github.com/en/rest/overview/resources-in-the-rest-api?apiVersion=2022-11-28#exceeding-the-rate-limit
            Math.ceil((rateLimitReset - Date.now()) / 1e3) + 1,
            0
          );
          const wantRetry2 = await emitter.trigger(
            "rate-limit",
            retryAfter2,
            options,
            octokit,
            retryCount
          );
          return { wantRetry: wantRetry2, retryAfter: retryAfter2 };
        }
        return {};
      })();
      if (wantRetry) {
        request.retryCount++;
        return retryAfter * state2.retryAfterBaseValue;
      }
    });
  };
  octokit.hook.wrap("request", (request, options) => {
    initializeBottleneck();
    return wrapRequest(state, request, options);
  });
  return {};
}
throttling.VERSION = VERSION2;
throttling.triggersNotification = triggersNotification;

// src/forge/http.ts
var HTTP_TIMEOUT_ENV = "IOSTORM_HTTP_TIMEOUT_MS";
var FORGE_BUDGET_ENV = "IOSTORM_FORGE_BUDGET_MS";
var ARTIFACT_LIMIT_ENV = "IOSTORM_ARTIFACT_MAX_BYTES";
var DEFAULT_TIMEOUT_MS = 3e4;
var DEFAULT_BUDGET_MS = 5 * 6e4;
var BudgetExceededError = class extends Error {
  name = "AbortError";
};
var RequestTimeoutError = class extends Error {
  name = "AbortError";
};
var seconds = (ms) => `${Math.round(ms / 100) / 10} s`;
function positiveMs(env, name, fallback) {
  const text2 = env[name]?.trim();
  if (!text2) return fallback;
  const value = Number(text2);
  if (!Number.isInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a whole number of milliseconds above 0; got "${text2}"`);
  }
  return value;
}
function artifactByteLimit(env) {
  const text2 = env[ARTIFACT_LIMIT_ENV]?.trim();
  if (!text2) return 2 * 1024 ** 3;
  const value = Number(text2);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(
      `${ARTIFACT_LIMIT_ENV} must be a whole number of bytes above 0; got "${text2}"`
    );
  }
  return value;
}
function forgeLimits(env) {
  return {
    requestTimeoutMs: positiveMs(env, HTTP_TIMEOUT_ENV, DEFAULT_TIMEOUT_MS),
    budgetMs: positiveMs(env, FORGE_BUDGET_ENV, DEFAULT_BUDGET_MS)
  };
}
var ForgeBudget = class {
  constructor(ms) {
    this.ms = ms;
    this.timer = setTimeout(() => this.controller.abort(this.error()), ms).unref();
  }
  ms;
  controller = new AbortController();
  timer;
  get signal() {
    return this.controller.signal;
  }
  get exceeded() {
    return this.controller.signal.aborted;
  }
  error() {
    return new BudgetExceededError(
      `the ${seconds(this.ms)} time budget for forge requests is used up (raise ${FORGE_BUDGET_ENV}, or check the forge's health)`
    );
  }
  /** Throws BudgetExceededError once the budget is used up. */
  check() {
    if (this.exceeded) throw this.error();
  }
  dispose() {
    clearTimeout(this.timer);
  }
};
function anySignal(signals) {
  const controller = new AbortController();
  const abort = (signal) => controller.abort(signal.reason);
  for (const signal of signals) {
    if (signal.aborted) {
      abort(signal);
      break;
    }
    signal.addEventListener("abort", () => abort(signal), { once: true });
  }
  return controller.signal;
}
var proxyFetch = defaults.request?.fetch ?? globalThis.fetch;
function limitedFetch(limits, budget, inner = proxyFetch) {
  return async (input, init = {}) => {
    budget.check();
    const timeout = AbortSignal.timeout(limits.requestTimeoutMs);
    const signals = [timeout, budget.signal, ...init.signal ? [init.signal] : []];
    const method = init.method ?? "GET";
    const url = String(input).replace(/\?.*$/, "");
    const failure = (error2) => {
      if (budget.exceeded) return budget.error();
      if (timeout.aborted) {
        return new RequestTimeoutError(
          `${method} ${url}: no answer within ${seconds(limits.requestTimeoutMs)} (${HTTP_TIMEOUT_ENV})`
        );
      }
      return error2;
    };
    try {
      return await inner(input, { ...init, signal: anySignal(signals) });
    } catch (error2) {
      throw failure(error2);
    }
  };
}
async function readCapped(response, cap, budget, what) {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > cap) {
    await response.body?.cancel().catch(() => void 0);
    throw new RangeError(`${what} is ${declared} bytes, over the ${cap}-byte limit`);
  }
  const chunks = [];
  let size = 0;
  try {
    for await (const chunk of response.body ?? []) {
      size += chunk.byteLength;
      if (size > cap) throw new RangeError(`${what} is over the ${cap}-byte limit`);
      chunks.push(chunk);
    }
  } catch (error2) {
    if (budget.exceeded) throw budget.error();
    if (error2?.name === "TimeoutError") {
      throw new RequestTimeoutError(
        `${what}: the answer did not arrive in time (${HTTP_TIMEOUT_ENV})`
      );
    }
    throw error2;
  }
  return Buffer.concat(chunks);
}

// src/forge/client.ts
var RETRIES = 3;
function connect(token, context, log2, limits, budget) {
  const fetch = limitedFetch(limits, budget);
  return { client: createClient(token, context, log2, fetch), fetch, token, budget };
}
function createClient(token, context, log2, fetch) {
  const waitAndRetry = (limit) => (retryAfter, options, _octokit, retryCount) => {
    log2.warning(`${limit} on ${options.method} ${options.url}; retrying in ${retryAfter} s`);
    return retryCount < RETRIES;
  };
  return getOctokit(
    token,
    {
      baseUrl: context.apiUrl,
      request: { fetch },
      // (not request.retries: set there, plugin-retry would retry every error, 404s included)
      retry: { retries: RETRIES, doNotRetry: [400, 401, 403, 404, 410, 422, 451] },
      throttle: {
        onRateLimit: waitAndRetry("rate limit"),
        onSecondaryRateLimit: waitAndRetry("secondary rate limit")
      }
    },
    retry,
    throttling
  );
}
function statusOf(error2) {
  const status = error2?.status;
  return typeof status === "number" ? status : void 0;
}
function describeError(error2) {
  const status = statusOf(error2);
  const message = errorMessage(error2);
  return status === void 0 || error2 instanceof Error && error2.name === "AbortError" ? message : `HTTP ${status}: ${message}`;
}

// src/forge/forge.ts
var Unavailable = class extends Error {
};
var UnexpectedAnswerError = class extends Error {
};

// src/forge/rest.ts
var MAX_PAGES = 500;
var MAX_REDIRECTS = 3;
function record(value) {
  return typeof value === "object" && value !== null ? value : {};
}
function userOf(value) {
  const user = record(value);
  const login = typeof user.login === "string" ? user.login : "";
  const id = typeof user.id === "number" && Number.isInteger(user.id) ? user.id : null;
  return login === "" && id === null ? null : { login, id };
}
function toComment(value) {
  const c = value;
  if (typeof c?.id !== "number") return void 0;
  return {
    id: c.id,
    body: typeof c.body === "string" ? c.body : "",
    created_at: typeof c.created_at === "string" ? c.created_at : "",
    html_url: typeof c.html_url === "string" ? c.html_url : "",
    author: userOf(c.user)
  };
}
function runList(data) {
  const runs = record(data).workflow_runs;
  if (!Array.isArray(runs)) throw new Error("listing workflow runs got an unexpected answer");
  return runs.map(record);
}
var refused = (error2) => [401, 403, 404].includes(statusOf(error2) ?? 0);
var RestForge = class {
  constructor(connection, context, log2) {
    this.connection = connection;
    this.context = context;
    this.log = log2;
    this.client = connection.client;
    this.repo = { owner: context.owner, repo: context.repo };
  }
  connection;
  context;
  log;
  client;
  repo;
  /** The workflow of a run as the runs list filters by it (GitHub's id, Forgejo's file name). */
  workflowOf(run2) {
    return run2.workflow_id;
  }
  /** The query parameters that ask for page `page` (the first when undefined). */
  paging(page) {
    const size = { [this.pageSizeParameter]: this.pageSize };
    return page === void 0 ? size : { ...size, page };
  }
  async identity() {
    try {
      try {
        const user = userOf((await this.client.request("GET /user")).data);
        if (user !== null) return user;
      } catch (error2) {
        if (!refused(error2)) throw error2;
      }
      return await this.fallbackIdentity();
    } catch (error2) {
      if (error2 instanceof BudgetExceededError) throw error2;
      this.log.warning(
        `could not tell which user the token is (${errorMessage(error2)}), so no existing comment is edited or deleted; a token that may read GET /user (or GraphQL viewer) fixes this`
      );
      return null;
    }
  }
  /**
   * Paging stops at a short, empty or repeated page, or once X-Total-Count comments are in, so a
   * server that ignores the parameters cannot make it loop.
   */
  async listComments(pull) {
    const byId = /* @__PURE__ */ new Map();
    const fetchPage = async (params) => {
      const response = await this.client.request(
        "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
        { ...this.repo, issue_number: pull, ...params }
      );
      if (!Array.isArray(response.data)) {
        const type = response.headers["content-type"] ?? "no content type";
        throw new UnexpectedAnswerError(
          `listing the comments of #${pull} got an unexpected answer (HTTP ${response.status}, ${type}) instead of a JSON list; check GITHUB_API_URL and any proxy in between`
        );
      }
      const items2 = response.data.map(toComment);
      const fresh = items2.filter((c) => c !== void 0 && !byId.has(c.id));
      for (const comment of fresh) byId.set(comment.id, comment);
      const total = Number(response.headers["x-total-count"]);
      return {
        received: items2.length,
        fresh: fresh.length,
        total: Number.isFinite(total) ? total : void 0
      };
    };
    if (this.commentsUnpaged) {
      const first = await fetchPage({});
      if (first.total === void 0 || byId.size >= first.total) return [...byId.values()];
    }
    for (let page = 1; page <= MAX_PAGES; page++) {
      const result = await fetchPage(this.paging(page));
      if (result.fresh === 0 || result.received < this.pageSize) break;
      if (result.total !== void 0 && byId.size >= result.total) break;
    }
    return [...byId.values()];
  }
  async createComment(pull, body) {
    const created = await this.client.request(
      "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
      { ...this.repo, issue_number: pull, body, request: { retries: 0 } }
    );
    return toComment(created.data);
  }
  async updateComment(id, body) {
    const updated = await this.client.request(
      "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}",
      { ...this.repo, comment_id: id, body }
    );
    return toComment(updated.data);
  }
  async deleteComment(id) {
    await this.client.request("DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}", {
      ...this.repo,
      comment_id: id
    });
  }
  async runExists(id) {
    try {
      await this.client.request("GET /repos/{owner}/{repo}/actions/runs/{run_id}", {
        ...this.repo,
        run_id: id.toString()
      });
      return true;
    } catch (error2) {
      if (error2 instanceof BudgetExceededError) throw error2;
      return false;
    }
  }
  async baselineRuns(baseRef, limit) {
    const workflow = await this.telemetryWorkflow();
    const data = await this.call(
      () => this.successfulPushRuns(workflow, baseRef, limit),
      "listing workflow runs"
    );
    return runList(data).map((run2) => ({
      id: Number(run2.id),
      sha: String(this.runCommit(run2) ?? ""),
      url: String(run2.html_url ?? "")
    }));
  }
  async runArtifacts(runId, name) {
    const response = await this.call(
      () => this.client.request("GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts", {
        ...this.repo,
        run_id: runId,
        name
      }),
      "listing run artifacts"
    );
    const list2 = this.artifactList(response.data);
    if (!Array.isArray(list2)) throw new Error("the artifact list is not a JSON list");
    return list2.map((item) => {
      const artifact = record(item);
      return {
        id: Number(artifact.id),
        expired: artifact.expired === true,
        created: String(artifact.created_at ?? "")
      };
    });
  }
  /**
   * GitHub answers with a redirect to blob storage, followed without the token (the signed URL is
   * the credential, and the token must not leave for another host); Forgejo serves the zip itself.
   */
  async downloadArtifact(artifact, limit) {
    const { owner, repo } = this.repo;
    let url = `${this.context.apiUrl}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/actions/artifacts/${artifact.id}/zip`;
    let headers = {
      authorization: `token ${this.connection.token}`,
      accept: "application/vnd.github+json"
    };
    for (let redirects = 0; ; redirects++) {
      const response = await this.connection.fetch(url, { headers, redirect: "manual" });
      const location = response.headers.get("location");
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel().catch(() => void 0);
        if (redirects >= MAX_REDIRECTS) throw new Error("the download redirects too often");
        url = new URL(location, url).href;
        headers = {};
        continue;
      }
      if (response.status !== 200) {
        await response.body?.cancel().catch(() => void 0);
        throw new Error(
          response.status === 410 ? "the artifact has expired (HTTP 410)" : `the download answered HTTP ${response.status}`
        );
      }
      return readCapped(response, limit, this.connection.budget, "the artifact download");
    }
  }
  async pullRequest(number) {
    const response = await this.client.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
      ...this.repo,
      pull_number: number
    });
    return response.data;
  }
  async openPullsByHead(owner, branch) {
    const response = await this.client.request("GET /repos/{owner}/{repo}/pulls", {
      ...this.repo,
      state: "open",
      head: `${owner}:${branch}`,
      ...this.paging()
    });
    return response.data;
  }
  /** The workflow of the running job's run: GitHub's numeric id, Forgejo's workflow file name. */
  async thisRunsWorkflow() {
    if (this.context.runId === null) throw new Unavailable("GITHUB_RUN_ID is not set");
    const run2 = await this.call(
      () => this.client.request("GET /repos/{owner}/{repo}/actions/runs/{run_id}", {
        ...this.repo,
        run_id: this.context.runId
      }),
      "reading this workflow run"
    );
    const workflow = this.workflowOf(record(run2.data));
    if (typeof workflow !== "number" && typeof workflow !== "string") {
      throw new Unavailable("reading this workflow run: the answer names no workflow");
    }
    return workflow;
  }
  /** The workflow that made the telemetry: workflow_run's triggering one, else this run's. */
  async telemetryWorkflow() {
    return this.context.workflowId ?? await this.thisRunsWorkflow();
  }
  /** An Actions request; "no such endpoint" and "may not read it" become Unavailable. */
  async call(request, what) {
    try {
      return await request();
    } catch (error2) {
      const status = statusOf(error2);
      if (status === 404) throw new Unavailable(`${what}: not available on this server (HTTP 404)`);
      if (status === 403 || status === 401) {
        throw new Unavailable(
          `${what}: the token may not read Actions data (HTTP ${status}; grant "actions: read")`
        );
      }
      throw error2;
    }
  }
};

// src/forge/pull.ts
var short = (sha) => sha === "" ? "(none)" : sha.slice(0, 12);
function headMismatch(data, context) {
  const head = record(record(data).head);
  const sha = typeof head.sha === "string" ? head.sha : "";
  const repository = record(head.repo).full_name;
  if (context.headSha === "" || sha !== context.headSha) {
    return `its head commit ${short(sha)} is not the triggering run's ${short(context.headSha)}`;
  }
  if (context.head.repository === null) {
    return "the event names no head repository to check it against";
  }
  if (typeof repository !== "string" || repository.toLowerCase() !== context.head.repository.toLowerCase()) {
    return `its head repository ${typeof repository === "string" ? repository : "(deleted)"} is not the triggering run's ${context.head.repository}`;
  }
  return null;
}
function pullBaseRef(data) {
  const ref = record(record(data).base).ref;
  return typeof ref === "string" && ref !== "" ? ref : null;
}
async function verifyNamed(forge, context, number) {
  let data;
  try {
    data = await forge.pullRequest(number);
  } catch (error2) {
    return {
      pull: null,
      reason: statusOf(error2) === 404 ? `pull request #${number} does not exist in ${context.owner}/${context.repo}` : `pull request #${number} could not be read (${describeError(error2)})`
    };
  }
  const mismatch = headMismatch(data, context);
  if (mismatch !== null) return { pull: null, reason: `pull request #${number}: ${mismatch}` };
  return { pull: number, baseRef: pullBaseRef(data) };
}
async function findByHead(forge, context) {
  const { owner, branch } = context.head;
  if (owner === null || branch === null) {
    return { pull: null, reason: "the workflow_run event names no head branch to find it by" };
  }
  let data;
  try {
    data = await forge.openPullsByHead(owner, branch);
  } catch (error2) {
    return { pull: null, reason: `listing open pull requests failed (${describeError(error2)})` };
  }
  if (!Array.isArray(data)) {
    return { pull: null, reason: "listing open pull requests got an unexpected answer" };
  }
  const matching = data.filter((pull) => headMismatch(pull, context) === null);
  const numbers = matching.map((pull) => Number(record(pull).number));
  if (matching.length !== 1 || !Number.isInteger(numbers[0]) || numbers[0] <= 0) {
    return {
      pull: null,
      reason: matching.length === 0 ? `no open pull request has head ${owner}:${branch} at ${short(context.headSha)}` : `several open pull requests have head ${owner}:${branch} (#${numbers.join(", #")}): name one with the pull-request input`
    };
  }
  return { pull: numbers[0], baseRef: pullBaseRef(matching[0]) };
}
async function resolvePull(forge, context, log2) {
  const number = context.pullNumber;
  if (number !== null && context.pullFromEvent) return { pull: number, baseRef: context.baseRef };
  if (number === null && context.eventName !== "workflow_run") return { pull: null, reason: null };
  let target;
  if (forge === null) {
    target = {
      pull: null,
      reason: `${number === null ? "the pull request" : `pull request #${number}`} cannot be looked up or verified without a github-token`
    };
  } else {
    target = number === null ? await findByHead(forge, context) : await verifyNamed(forge, context, number);
  }
  if (target.pull === null && target.reason !== null) {
    log2.warning(
      `not commenting and no baseline: ${target.reason} (the report is still in the job summary and output-dir)`
    );
  }
  return target;
}

// src/forge/zip.ts
var import_yauzl = __toESM(require_yauzl(), 1);
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, isAbsolute as isAbsolute2, relative as relative3, resolve as resolve2, sep as sep2 } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
var ZipError = class extends Error {
};
var CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 3988292384 ^ c >>> 1 : c >>> 1;
  return c >>> 0;
});
function crc32(data) {
  return crc32Update(0, data);
}
function crc32Update(crc, data) {
  let c = (crc ^ 4294967295) >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 255] ^ c >>> 8;
  return (c ^ 4294967295) >>> 0;
}
function openZip(zip) {
  return new Promise((resolve4, reject) => {
    import_yauzl.default.fromBuffer(zip, { lazyEntries: true, validateEntrySizes: true }, (error2, file) => {
      if (error2 || !file)
        reject(new ZipError(`not a readable zip archive (${errorMessage(error2)})`));
      else resolve4(file);
    });
  });
}
function inflate(file, entry, limit) {
  return new Promise((resolve4, reject) => {
    file.openReadStream(entry, (error2, stream) => {
      if (error2 || !stream) {
        reject(new ZipError(`${entry.fileName}: ${errorMessage(error2)}`));
        return;
      }
      const chunks = [];
      let size = 0;
      stream.on("data", (chunk) => {
        size += chunk.length;
        if (size > limit) {
          stream.destroy(new ZipError(`${entry.fileName} inflates to more than ${limit} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      stream.on(
        "error",
        (streamError) => reject(
          streamError instanceof ZipError ? streamError : new ZipError(`${entry.fileName}: ${errorMessage(streamError)}`)
        )
      );
      stream.on("end", () => resolve4(Buffer.concat(chunks)));
    });
  });
}
async function readZipEntry(zip, name, limit) {
  const file = await openZip(zip);
  try {
    return await new Promise((resolve4, reject) => {
      file.on(
        "error",
        (error2) => reject(new ZipError(`not a readable zip archive (${errorMessage(error2)})`))
      );
      file.on("end", () => resolve4(null));
      file.on("entry", (entry) => {
        if (entry.fileName !== name) {
          file.readEntry();
          return;
        }
        if (entry.uncompressedSize > limit) {
          reject(
            new ZipError(
              `${name} declares ${entry.uncompressedSize} bytes, over the ${limit}-byte limit`
            )
          );
          return;
        }
        inflate(file, entry, limit).then((data) => {
          if (crc32(data) !== entry.crc32) reject(new ZipError(`${name}: CRC mismatch`));
          else resolve4(data);
        }, reject);
      });
      file.readEntry();
    });
  } finally {
    file.close();
  }
}
async function zipFiles(files) {
  const { default: yazl } = await import("./chunks/yazl-UK42LI6I.js");
  const zip = new yazl.ZipFile();
  for (const file of files) zip.addFile(file.path, file.name);
  const chunks = [];
  const done = new Promise((resolve4, reject) => {
    zip.outputStream.on("data", (chunk) => chunks.push(chunk));
    zip.outputStream.on("error", reject);
    zip.outputStream.on("end", () => resolve4(Buffer.concat(chunks)));
  });
  zip.end();
  return done;
}
function openZipFile(path) {
  return new Promise((resolve4, reject) => {
    import_yauzl.default.open(path, { lazyEntries: true, validateEntrySizes: true }, (error2, file) => {
      if (error2 || !file)
        reject(new ZipError(`not a readable zip archive (${errorMessage(error2)})`));
      else resolve4(file);
    });
  });
}
function entryPath(folder, name) {
  const path = resolve2(folder, name);
  const inside = relative3(folder, path);
  return inside !== "" && !inside.startsWith(`..${sep2}`) && inside !== ".." && !isAbsolute2(inside) ? path : null;
}
async function extractZip(zipPath, folder, limits) {
  const root = resolve2(folder);
  const file = await openZipFile(zipPath);
  let written = 0;
  let files = 0;
  let entries = 0;
  try {
    await new Promise((done, fail) => {
      const failWith = (error2) => fail(error2 instanceof ZipError ? error2 : new ZipError(errorMessage(error2)));
      file.on(
        "error",
        (error2) => failWith(new ZipError(`damaged zip (${errorMessage(error2)})`))
      );
      file.on("end", () => done());
      file.on("entry", (entry) => {
        if (++entries > limits.entries) {
          failWith(new ZipError(`more than ${limits.entries} entries`));
          return;
        }
        const path = entryPath(root, entry.fileName);
        if (path === null) {
          failWith(new ZipError(`${entry.fileName}: outside its folder`));
          return;
        }
        if (entry.fileName.endsWith("/")) {
          mkdir(path, { recursive: true }).then(() => file.readEntry(), failWith);
          return;
        }
        if (written + entry.uncompressedSize > limits.bytes) {
          failWith(
            new ZipError(
              `${entry.fileName} declares ${entry.uncompressedSize} bytes, over the ${limits.bytes}-byte limit of the artifact`
            )
          );
          return;
        }
        writeEntry(file, entry, path, limits.bytes - written).then((size) => {
          written += size;
          files++;
          file.readEntry();
        }, failWith);
      });
      file.readEntry();
    });
  } finally {
    file.close();
  }
  return files;
}
async function writeEntry(file, entry, path, room) {
  await mkdir(dirname(path), { recursive: true });
  const stream = await new Promise(
    (done, fail) => file.openReadStream(
      entry,
      (error2, opened) => error2 || !opened ? fail(new ZipError(`${entry.fileName}: ${errorMessage(error2)}`)) : done(opened)
    )
  );
  let size = 0;
  let crc = 0;
  const counted = new Transform({
    transform(chunk, _encoding, next) {
      size += chunk.length;
      if (size > room) {
        next(new ZipError(`${entry.fileName} inflates past the artifact's byte limit`));
        return;
      }
      crc = crc32Update(crc, chunk);
      next(null, chunk);
    },
    flush(next) {
      next(crc === entry.crc32 ? null : new ZipError(`${entry.fileName}: CRC mismatch`));
    }
  });
  try {
    await pipeline(stream, counted, createWriteStream(path, { flags: "wx" }));
  } catch (error2) {
    throw error2 instanceof ZipError ? error2 : new ZipError(`${entry.fileName}: ${errorMessage(error2)}`);
  }
  return size;
}

// src/forge/baseline.ts
var REPORT_FILE = "report.json";
var DEFAULT_BASELINE_RUNS = 10;
var ARTIFACT_DOWNLOAD_LIMIT = 64 * 1024 * 1024;
async function reportOfZip(zip) {
  const json = await readZipEntry(zip, REPORT_FILE, REPORT_READ_LIMIT);
  if (json === null) throw new Error(`the artifact has no ${REPORT_FILE}`);
  return parseReport(json.toString("utf8"));
}
async function findBaseline(forge, baseRef, reportName, log2, limit = DEFAULT_BASELINE_RUNS) {
  const described = `successful push runs of this workflow on ${baseRef}`;
  try {
    const runs = (await forge.baselineRuns(baseRef, limit)).slice(0, limit);
    if (runs.length === 0) return { found: false, reason: `no ${described} yet` };
    const history = [];
    for (const run2 of runs) {
      try {
        const artifacts = (await forge.runArtifacts(run2.id, reportName)).filter((artifact) => !artifact.expired).sort((a, b) => b.created.localeCompare(a.created) || b.id - a.id);
        if (artifacts.length === 0) {
          log2.info(`baseline: run ${run2.id} has no unexpired "${reportName}" artifact; skipped`);
          continue;
        }
        const zip = await forge.downloadArtifact(artifacts[0], ARTIFACT_DOWNLOAD_LIMIT);
        const report = await reportOfZip(zip);
        history.push({
          runs: historyRuns(report.runs),
          signatures: report.signatures,
          options: report.options,
          source: {
            kind: "artifact",
            location: `artifact "${reportName}" of run ${run2.id}`,
            run_id: String(run2.id),
            commit: run2.sha,
            url: run2.url
          }
        });
      } catch (error2) {
        if (error2 instanceof BudgetExceededError) {
          if (history.length > 0) break;
          throw error2;
        }
        log2.warning(
          `baseline: the "${reportName}" artifact of run ${run2.id} is unusable (${describeError(error2)}); skipped`
        );
      }
    }
    if (history.length > 0) {
      log2.info(`baseline: ${history.length} report(s) of the last ${runs.length} ${described}`);
      return { found: true, history };
    }
    return {
      found: false,
      reason: `none of the last ${runs.length} ${described} has a usable "${reportName}" artifact (expired, or uploaded by no run)`
    };
  } catch (error2) {
    if (error2 instanceof Unavailable) return { found: false, reason: error2.message };
    return { found: false, reason: `the baseline lookup failed: ${errorMessage(error2)}` };
  }
}
async function baseRefOf(forge, target) {
  return target.baseRef ?? pullBaseRef(await forge.pullRequest(target.pull));
}
async function resolveBaseline(setting, forge, context, target, reportName, log2, runs = DEFAULT_BASELINE_RUNS) {
  if (setting.mode === "none") return { found: false, reason: "baseline is set to none" };
  if (setting.mode === "path") {
    const shown = relative4(context.workspace, setting.path) || setting.path;
    const stored = await loadReport(setting.path, shown);
    return stored.signatures === null ? { found: false, reason: `baseline report ${shown}: ${stored.errors[0]?.message}` } : { found: true, history: [stored] };
  }
  if (forge === null)
    return { found: false, reason: "no github-token to look the baseline up with" };
  try {
    const baseRef = await baseRefOf(forge, target);
    if (baseRef === null) return { found: false, reason: "the pull request has no base branch" };
    return await findBaseline(forge, baseRef, reportName, log2, runs);
  } catch (error2) {
    return { found: false, reason: `the baseline lookup failed: ${errorMessage(error2)}` };
  }
}
async function baselineOf(target, setting, forge, context, reportName, log2, runs = DEFAULT_BASELINE_RUNS) {
  if (target.pull === null) {
    return target.reason === null ? null : { found: false, reason: `the pull request is not verified: ${target.reason}` };
  }
  const lookup = await resolveBaseline(setting, forge, context, target, reportName, log2, runs);
  if (!lookup.found) log2.notice(`no baseline: ${lookup.reason}`);
  return lookup;
}

// src/forge/context.ts
import { readFileSync } from "node:fs";
var ContextError = class extends Error {
};
function record2(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value : void 0;
}
function readPayload(path) {
  if (!path) return {};
  try {
    return record2(JSON.parse(readFileSync(path, "utf8"))) ?? {};
  } catch (error2) {
    throw new ContextError(`cannot read the event payload ${path}: ${errorMessage(error2)}`);
  }
}
function forgeKind(env) {
  if (env.FORGEJO_ACTIONS === "true") return "forgejo";
  if (env.GITEA_ACTIONS === "true") return "gitea";
  return "github";
}
function graphqlUrl(apiUrl, env) {
  const set = env.GITHUB_GRAPHQL_URL?.trim();
  if (set) return set;
  return /\/api\/v3$/.test(apiUrl) ? apiUrl.replace(/\/api\/v3$/, "/api/graphql") : `${apiUrl}/graphql`;
}
var PULL_REQUEST_EVENTS = /* @__PURE__ */ new Set(["pull_request", "pull_request_target"]);
function readContext(env, pullOverride) {
  const eventName = env.GITHUB_EVENT_NAME ?? "";
  const payload = readPayload(env.GITHUB_EVENT_PATH);
  const [owner = "", repo = ""] = (env.GITHUB_REPOSITORY ?? "").split("/");
  if (!owner || !repo) throw new ContextError("GITHUB_REPOSITORY is not set (expected owner/repo)");
  const workflowRun = eventName === "workflow_run" ? record2(payload.workflow_run) : void 0;
  const pull = PULL_REQUEST_EVENTS.has(eventName) ? record2(payload.pull_request) : void 0;
  const triggeringPull = record2(workflowRun?.pull_requests?.[0]);
  const eventNumber = pull?.number ?? triggeringPull?.number;
  const number = pullOverride ?? (typeof eventNumber === "number" && eventNumber > 0 ? eventNumber : null);
  const pullFromEvent = pullOverride === void 0 && pull !== void 0 && number !== null;
  const base = record2(pull?.base);
  const head = record2(pull?.head);
  const headRepository = record2(workflowRun ? workflowRun.head_repository : head?.repo);
  const text2 = (value) => typeof value === "string" && value !== "" ? value : null;
  const runId = Number(env.GITHUB_RUN_ID);
  const apiUrl = (env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/+$/, "");
  return {
    forge: forgeKind(env),
    eventName,
    owner,
    repo,
    pullNumber: number,
    pullFromEvent,
    baseRef: pullFromEvent ? text2(base?.ref) : null,
    // under workflow_run GITHUB_SHA is the default branch's, never the telemetry's commit
    headSha: workflowRun ? text2(workflowRun.head_sha) ?? "" : text2(head?.sha) ?? env.GITHUB_SHA ?? "",
    head: {
      repository: text2(headRepository?.full_name) ?? (workflowRun || pull ? null : `${owner}/${repo}`),
      owner: text2(record2(headRepository?.owner)?.login) ?? (workflowRun || pull ? null : owner),
      branch: workflowRun ? text2(workflowRun.head_branch) : text2(head?.ref)
    },
    runId: Number.isInteger(runId) && runId > 0 ? runId : null,
    workflowId: eventName === "workflow_run" && (typeof workflowRun?.workflow_id === "number" || typeof workflowRun?.workflow_id === "string") ? workflowRun.workflow_id : null,
    serverUrl: (env.GITHUB_SERVER_URL ?? "https://github.com").replace(/\/+$/, ""),
    apiUrl,
    graphqlUrl: graphqlUrl(apiUrl, env),
    workspace: env.GITHUB_WORKSPACE ?? process.cwd()
  };
}

// src/forge/forgejo.ts
import { randomUUID } from "node:crypto";
import { lstat, mkdir as mkdir2, rm } from "node:fs/promises";
import { basename, join as join4, relative as relative5 } from "node:path";

// src/forge/results.ts
import { createHash as createHash2 } from "node:crypto";
import { createWriteStream as createWriteStream2 } from "node:fs";
import { pipeline as pipeline2 } from "node:stream/promises";
import { Readable, Transform as Transform2 } from "node:stream";
var SERVICE = "twirp/github.actions.results.api.v1.ArtifactService";
var NoResultsService = class extends Error {
};
function resultsScope(token) {
  const payload = token.split(".")[1];
  if (token.split(".").length !== 3 || !payload) return null;
  let claims;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const scopes = claims?.scp;
  if (typeof scopes !== "string") return null;
  for (const scope of scopes.split(" ")) {
    const parts = scope.split(":");
    if (parts.length === 3 && parts[0] === "Actions.Results" && parts[1] && parts[2]) {
      return { run: parts[1], job: parts[2] };
    }
  }
  return null;
}
function resultsServiceOf(env) {
  const url = env.ACTIONS_RESULTS_URL?.trim().replace(/\/+$/, "");
  if (!url) throw new NoResultsService("the runner sets no ACTIONS_RESULTS_URL");
  const token = env.ACTIONS_RUNTIME_TOKEN?.trim() ?? "";
  if (!token) throw new NoResultsService("the runner sets no ACTIONS_RUNTIME_TOKEN");
  const scope = resultsScope(token);
  if (scope === null) {
    throw new NoResultsService("the runtime token carries no Actions.Results scope");
  }
  return { url, token, runBackendId: scope.run, jobBackendId: scope.job };
}
var ResultsError = class extends Error {
  constructor(message, status, page = false) {
    super(message);
    this.status = status;
    this.page = page;
  }
  status;
  page;
};
var BLOCK_BYTES = 4 * 1024 * 1024;
var ATTEMPTS = 3;
var TRANSIENT = /* @__PURE__ */ new Set([429, 502, 503, 504]);
var ZIP_MAGIC = Buffer.from([80, 75, 3, 4]);
var EMPTY_ZIP_MAGIC = Buffer.from([80, 75, 5, 6]);
function looksLikeZip(head) {
  const start = head.subarray(0, 4);
  return start.equals(ZIP_MAGIC) || start.equals(EMPTY_ZIP_MAGIC);
}
var text = (value) => typeof value === "string" || typeof value === "number" ? String(value) : void 0;
function fieldOf(body, camel) {
  return body[camel] ?? body[camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)];
}
var ResultsClient = class {
  constructor(service, fetch, budget, blockBytes = BLOCK_BYTES) {
    this.service = service;
    this.fetch = fetch;
    this.budget = budget;
    this.blockBytes = blockBytes;
  }
  service;
  fetch;
  budget;
  blockBytes;
  get ids() {
    return {
      workflow_run_backend_id: this.service.runBackendId,
      workflow_job_run_backend_id: this.service.jobBackendId
    };
  }
  /** One Twirp call; an HTTP error throws ResultsError with its status and the answer's text. */
  async call(method, body) {
    const response = await this.send(`${this.service.url}/${SERVICE}/${method}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${this.service.token}`,
        "content-type": "application/json",
        accept: "application/json"
      },
      body: JSON.stringify(body)
    });
    const answer = await this.readText(response, `${method}`);
    if (!response.ok) {
      const said = answer.replace(/\s+/g, " ").trim().slice(0, 200);
      const page = /html/i.test(response.headers.get("content-type") ?? "");
      throw new ResultsError(
        `${method} answered HTTP ${response.status}${said && !page ? ` (${said})` : ""}`,
        response.status,
        page
      );
    }
    try {
      const parsed = JSON.parse(answer);
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
        return parsed;
      }
    } catch {
    }
    throw new Error(`${method} answered something that is not a JSON object`);
  }
  /**
   * A request, tried again (after 1 s, then 2 s) when the server is briefly unavailable (HTTP 429,
   * 502, 503, 504) or the connection fails. Every call and block is safe to repeat: the server
   * keeps one artifact per name, and a block is stored under its id. A timeout is not retried
   * (a server that hung for the whole timeout rarely answers the next try).
   */
  async send(url, init) {
    for (let attempt = 1; ; attempt++) {
      let response;
      try {
        response = await this.fetch(url, init);
      } catch (error2) {
        const name = error2?.name;
        if (attempt >= ATTEMPTS || name === "AbortError" || name === "TimeoutError") throw error2;
        await this.pause(attempt);
        continue;
      }
      if (attempt >= ATTEMPTS || !TRANSIENT.has(response.status)) return response;
      await response.body?.cancel().catch(() => void 0);
      await this.pause(attempt);
    }
  }
  async pause(attempt) {
    this.budget.check();
    await new Promise((done) => setTimeout(done, 1e3 * 2 ** (attempt - 1)));
    this.budget.check();
  }
  /** A small answer's text (a Twirp answer, an error page): at most 1 MiB is read. */
  async readText(response, what) {
    const chunks = [];
    let size = 0;
    try {
      for await (const chunk of response.body ?? []) {
        size += chunk.byteLength;
        if (size > 1024 * 1024) {
          await response.body?.cancel().catch(() => void 0);
          throw new Error(`${what}: the answer is over 1 MiB`);
        }
        chunks.push(chunk);
      }
    } catch (error2) {
      throw this.cut(error2, what);
    }
    return Buffer.concat(chunks).toString("utf8");
  }
  /** A body cut by the timeout or the budget says so. */
  cut(error2, what) {
    if (this.budget.exceeded) return this.budget.error();
    if (error2?.name === "TimeoutError") {
      return new RequestTimeoutError(
        `${what}: the answer did not arrive in time (${HTTP_TIMEOUT_ENV})`
      );
    }
    return error2;
  }
  /**
   * This run's artifacts, one per name (the newest). Forgejo and Gitea before 1.24 answer 404
   * (in plain text) when the run has none yet: that is an empty list. A 404 web page is a server
   * without the service, and stays an error.
   */
  async list() {
    let answer;
    try {
      answer = await this.call("ListArtifacts", this.ids);
    } catch (error2) {
      if (error2 instanceof ResultsError && error2.status === 404 && !error2.page) return [];
      throw error2;
    }
    const listed = answer.artifacts ?? [];
    if (!Array.isArray(listed)) throw new Error("ListArtifacts answered no list of artifacts");
    const newest = /* @__PURE__ */ new Map();
    for (const item of listed) {
      if (typeof item !== "object" || item === null) continue;
      const record3 = item;
      const name = text(record3.name);
      if (name === void 0) continue;
      const artifact = {
        name,
        id: Number(text(fieldOf(record3, "databaseId")) ?? 0),
        created: text(fieldOf(record3, "createdAt")) ?? ""
      };
      const known = newest.get(name);
      if (!known || (artifact.created.localeCompare(known.created) || artifact.id - known.id) > 0) {
        newest.set(name, artifact);
      }
    }
    return [...newest.values()];
  }
  /**
   * Uploads `zip` as the artifact `name` and returns its id (when the service says it). The
   * server keeps one artifact per name and run: a re-run's upload replaces the earlier one (a
   * server that refuses an existing name with 409 has it deleted first).
   */
  async upload(name, zip) {
    let created;
    const request = { ...this.ids, name, version: 4 };
    try {
      created = await this.call("CreateArtifact", request);
    } catch (error2) {
      if (!(error2 instanceof ResultsError) || error2.status !== 409) throw error2;
      await this.call("DeleteArtifact", { ...this.ids, name });
      created = await this.call("CreateArtifact", request);
    }
    const signed = text(fieldOf(created, "signedUploadUrl"));
    if (!signed) throw new Error("CreateArtifact answered no upload URL");
    const blocks = [];
    for (let offset = 0, index = 0; offset < zip.length || index === 0; index++) {
      const block = zip.subarray(offset, offset + this.blockBytes);
      const id2 = Buffer.from(`block-${String(index).padStart(6, "0")}`).toString("base64");
      await this.put(`${signed}&comp=block&blockid=${encodeURIComponent(id2)}`, block, "a block");
      blocks.push(id2);
      offset += block.length;
    }
    const list2 = '<?xml version="1.0" encoding="utf-8"?><BlockList>' + blocks.map((id2) => `<Latest>${id2}</Latest>`).join("") + "</BlockList>";
    await this.put(`${signed}&comp=blocklist`, Buffer.from(list2), "the block list");
    const finalized = await this.call("FinalizeArtifact", {
      ...this.ids,
      name,
      size: String(zip.length),
      hash: `sha256:${createHash2("sha256").update(zip).digest("hex")}`
    });
    if (fieldOf(finalized, "ok") === false) throw new Error("FinalizeArtifact answered not ok");
    const id = Number(text(fieldOf(finalized, "artifactId")));
    return Number.isSafeInteger(id) && id > 0 ? id : void 0;
  }
  /** A PUT to the signed URL: the URL is its credential, so no token goes with it. */
  async put(url, body, what) {
    const response = await this.send(url, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream", "x-ms-blob-type": "BlockBlob" },
      body
    });
    const answer = await this.readText(response, `uploading ${what}`);
    if (!response.ok) {
      throw new ResultsError(
        `uploading ${what} answered HTTP ${response.status} (${answer.slice(0, 200).trim()})`,
        response.status
      );
    }
  }
  /**
   * Downloads the artifact `name` into the file `path`, stopping past `limit` bytes; returns
   * whether it is a zip archive. Forgejo serves it as application/octet-stream from a URL that
   * does not end in .zip, so the bytes tell, not the headers.
   */
  async download(name, path, limit) {
    const answer = await this.call("GetSignedArtifactURL", { ...this.ids, name });
    const url = text(fieldOf(answer, "signedUrl"));
    if (!url) throw new Error("GetSignedArtifactURL answered no URL");
    const response = await this.send(url, { method: "GET" });
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => void 0);
      throw new ResultsError(`the download answered HTTP ${response.status}`, response.status);
    }
    const declared = Number(response.headers.get("content-length"));
    if (Number.isFinite(declared) && declared > limit) {
      await response.body?.cancel().catch(() => void 0);
      throw new RangeError(`the download is ${declared} bytes, over the ${limit}-byte limit`);
    }
    let size = 0;
    const head = [];
    const capped = new Transform2({
      transform(chunk, _encoding, done) {
        size += chunk.length;
        if (size > limit) {
          done(new RangeError(`the download is over the ${limit}-byte limit`));
          return;
        }
        if (head.length < 4) head.push(chunk.subarray(0, 4));
        done(null, chunk);
      }
    });
    if (!response.body) throw new Error("the download has no body");
    try {
      await pipeline2(
        Readable.fromWeb(response.body),
        capped,
        createWriteStream2(path, { flags: "wx" })
      );
    } catch (error2) {
      const cut = this.cut(error2, "the download");
      throw cut instanceof Error ? cut : new Error(errorMessage(cut));
    }
    return looksLikeZip(Buffer.concat(head));
  }
};

// src/forge/forgejo.ts
var ACTIONS_USER_ID = -2;
var ForgejoForge = class extends RestForge {
  /** Forgejo's default (and largest) page. */
  pageSize = 50;
  pageSizeParameter = "limit";
  /** Forgejo v16 takes no paging parameters for a comment list and returns everything. */
  commentsUnpaged = true;
  async fallbackIdentity() {
    return { login: `${this.context.forge}-actions`, id: ACTIONS_USER_ID };
  }
  artifactList(data) {
    return Array.isArray(data) ? data : record(data).artifacts;
  }
  async successfulPushRuns(workflow, baseRef, limit) {
    const response = await this.client.request("GET /repos/{owner}/{repo}/actions/runs", {
      ...this.repo,
      workflow_id: String(workflow),
      ref: `refs/heads/${baseRef}`,
      event: "push",
      status: "success",
      limit
    });
    return response.data;
  }
  runCommit(run2) {
    return run2.commit_sha ?? run2.head_sha;
  }
};
var GiteaForge = class extends ForgejoForge {
  workflowOf(run2) {
    return run2.workflow_id ?? workflowFile(run2.path);
  }
  async successfulPushRuns(workflow, baseRef, limit) {
    const response = await this.client.request("GET /repos/{owner}/{repo}/actions/runs", {
      ...this.repo,
      branch: baseRef,
      event: "push",
      status: "success",
      // other workflows' runs are filtered out below: ask for a full page
      limit: Math.max(limit, this.pageSize)
    });
    const runs = record(response.data).workflow_runs;
    if (!Array.isArray(runs)) return response.data;
    return {
      workflow_runs: runs.filter(
        (run2) => workflowFile(record(run2).path) === workflowFile(String(workflow))
      )
    };
  }
};
function workflowFile(path) {
  if (typeof path !== "string" || path === "") return void 0;
  return path.replace(/@.*$/, "").replace(/^.*\//, "");
}
var UPLOAD_STEP = "https://code.forgejo.org/actions/upload-artifact@v3";
var DOWNLOAD_STEP = "https://code.forgejo.org/actions/download-artifact@v3";
var NEEDS = "Forgejo 7 or Gitea 1.22 with forgejo-runner 3.4 or a recent act_runner";
var MAX_ARTIFACT_ENTRIES = 1e4;
function forgejoRunArtifacts(context, log2, env, transfer) {
  const server = context.forge === "forgejo" ? "Forgejo" : "Gitea";
  let service = null;
  let missing = "";
  try {
    service = resultsServiceOf(env);
  } catch (error2) {
    if (!(error2 instanceof NoResultsService)) throw error2;
    missing = error2.message;
  }
  const client = service && new ResultsClient(service, transfer.fetch, transfer.budget);
  const withoutService = (why, step) => `${server} gives this job no artifact service (${why}; it needs ${NEEDS}): ${step}`;
  return {
    uploadsReports: client !== null,
    async uploadReport(name, files, directory) {
      const folder = `${relative5(context.workspace, directory) || "."}/`;
      const addStep = `to keep the report (and to serve as a baseline), add a step "uses: ${UPLOAD_STEP}" with name: ${name} and path: ${folder}`;
      if (client === null) {
        log2.notice(withoutService(missing, addStep));
        return null;
      }
      try {
        const zip = await zipFiles(files.map((path) => ({ path, name: relative5(directory, path) })));
        const id = await client.upload(name, zip);
        return { id, url: void 0 };
      } catch (error2) {
        if (error2 instanceof ResultsError && error2.status === 404) {
          log2.notice(withoutService("HTTP 404 from its artifact service", addStep));
        } else {
          log2.warning(
            `report artifact "${name}" not uploaded: ${errorMessage(error2)}; it is in ${folder}`
          );
        }
        return null;
      }
    },
    async downloadRunArtifacts(patterns, root) {
      const addStep = `download the artifacts with a step "uses: ${DOWNLOAD_STEP}" before this one`;
      if (client === null) {
        log2.notice(withoutService(missing, addStep));
        return null;
      }
      const matchers = patterns.map(namePattern);
      let listed;
      try {
        listed = await client.list();
      } catch (error2) {
        if (error2 instanceof BudgetExceededError) throw error2;
        if (error2 instanceof ResultsError && error2.status === 404) {
          log2.notice(withoutService("HTTP 404 from its artifact service", addStep));
          return null;
        }
        log2.warning(`could not list this run's artifacts: ${errorMessage(error2)}`);
        return {
          names: [],
          unusable: [`listing this run's artifacts failed (${errorMessage(error2)})`]
        };
      }
      const wanted = listed.filter((artifact) => matchers.some((matcher) => matcher.test(artifact.name))).sort((a, b) => a.name.localeCompare(b.name));
      const result = { names: [], unusable: [] };
      if (wanted.length === 0) return result;
      try {
        await prepareRoot(root);
      } catch (error2) {
        const line = `no artifact downloaded: ${errorMessage(error2)}`;
        log2.warning(line);
        return { names: [], unusable: wanted.map(() => line) };
      }
      for (const artifact of wanted) {
        const folder = safeFolderName(artifact.name) ? folderInside(root, artifact.name) : null;
        if (folder === null) {
          log2.warning(unsafeNameWarning(artifact.name));
          continue;
        }
        try {
          await downloadInto(client, artifact.name, folder, root, transfer.limit);
          result.names.push(artifact.name);
        } catch (error2) {
          if (error2 instanceof BudgetExceededError) throw error2;
          await rm(folder, { recursive: true, force: true });
          const line = `artifact ${JSON.stringify(artifact.name)} is unusable (${errorMessage(error2)}); nothing of it was kept`;
          log2.warning(line);
          result.unusable.push(line);
        }
      }
      return result;
    }
  };
}
async function prepareRoot(root) {
  const found = await lstat(root).catch(() => null);
  if (found !== null && (found.isSymbolicLink() || !found.isDirectory())) {
    throw new Error(`${basename(root)} is not a plain folder (a link?): refusing to write into it`);
  }
  await mkdir2(root, { recursive: true });
}
async function downloadInto(client, name, folder, root, limit) {
  const scratch = join4(root, `.download-${randomUUID()}.zip`);
  try {
    const isZip = await client.download(name, scratch, limit);
    if (!isZip) throw new Error("the download is not a zip archive");
    await rm(folder, { recursive: true, force: true });
    await mkdir2(folder);
    await extractZip(scratch, folder, { bytes: limit, entries: MAX_ARTIFACT_ENTRIES });
  } finally {
    await rm(scratch, { force: true });
  }
}

// src/forge/github.ts
var GitHubForge = class extends RestForge {
  pageSize = 100;
  pageSizeParameter = "per_page";
  commentsUnpaged = false;
  /**
   * The installation token (GitHub's GITHUB_TOKEN, an App's token) may not read `GET /user`;
   * GraphQL's `viewer` answers for it (`github-actions[bot]`, the login its REST comments carry).
   */
  async fallbackIdentity() {
    const response = await this.client.request(`POST ${this.context.graphqlUrl}`, {
      query: "query { viewer { login databaseId } }"
    });
    const found = record(record(record(response.data).data).viewer);
    const user = userOf({ login: found.login, id: found.databaseId });
    if (user === null) throw new Error("GraphQL viewer named no user");
    return user;
  }
  artifactList(data) {
    return record(data).artifacts;
  }
  async successfulPushRuns(workflow, baseRef, limit) {
    const response = await this.client.request(
      "GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs",
      {
        ...this.repo,
        workflow_id: workflow,
        branch: baseRef,
        event: "push",
        status: "success",
        per_page: limit
      }
    );
    return response.data;
  }
  runCommit(run2) {
    return run2.head_sha;
  }
};
async function artifactClient() {
  const { DefaultArtifactClient } = await import("./chunks/artifact-ZAWIYBJ5.js");
  return new DefaultArtifactClient();
}
function githubRunArtifacts(context, log2) {
  return {
    uploadsReports: true,
    async uploadReport(name, files, directory) {
      return uploadReport(await artifactClient(), context, name, files, directory);
    },
    async downloadRunArtifacts(patterns, root) {
      return downloadRunArtifacts(await artifactClient(), patterns, root, log2);
    }
  };
}

// src/forge/open.ts
function openForge(context, token, log2, limits, budget, env = process.env) {
  const connection = token ? connect(token, context, log2, limits, budget) : null;
  if (connection === null) log2.warning("no github-token: no comment and no baseline lookup");
  if (context.forge === "github") {
    return {
      forge: connection && new GitHubForge(connection, context, log2),
      artifacts: githubRunArtifacts(context, log2)
    };
  }
  return {
    forge: connection && (context.forge === "gitea" ? new GiteaForge(connection, context, log2) : new ForgejoForge(connection, context, log2)),
    artifacts: forgejoRunArtifacts(context, log2, env, {
      fetch: limitedFetch(limits, budget),
      budget,
      limit: artifactByteLimit(env)
    })
  };
}

// src/forge/publish.ts
import { mkdir as mkdir3, writeFile } from "node:fs/promises";
import { join as join5, relative as relative6 } from "node:path";

// src/report/escape.ts
var DEFAULT_LENGTH = 80;
var ZERO_WIDTH_SPACE = "\u200B";
var CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
var INVISIBLE = /[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
function oneLine(text2, max = DEFAULT_LENGTH, keep = "start") {
  const line = text2.replace(CONTROL, " ").replace(INVISIBLE, "\uFFFD");
  const chars = [...line];
  if (chars.length <= max) return line;
  return keep === "start" ? chars.slice(0, max - 1).join("") + "\u2026" : "\u2026" + chars.slice(chars.length - max + 1).join("");
}
function inert(value) {
  return value.replace(/@/g, `@${ZERO_WIDTH_SPACE}`).replace(/#(?=\d)/g, `#${ZERO_WIDTH_SPACE}`).replace(/\b(GH)-(?=\d)/gi, `$1-${ZERO_WIDTH_SPACE}`).replace(/:\/\//g, `:${ZERO_WIDTH_SPACE}//`).replace(/\b(www)\./gi, `$1${ZERO_WIDTH_SPACE}.`);
}
function codeSpan(value) {
  const text2 = value.replace(/<!--/g, `<${ZERO_WIDTH_SPACE}!--`);
  const longestRun = Math.max(0, ...(text2.match(/`+/g) ?? []).map((run2) => run2.length));
  const fence = "`".repeat(longestRun + 1);
  const pad = text2.startsWith("`") || text2.endsWith("`") || /^ .* $/.test(text2) ? " " : "";
  return `${fence}${pad}${text2}${pad}${fence}`;
}
function inlineCode(text2, max = DEFAULT_LENGTH, keep = "start") {
  return codeSpan(oneLine(text2, max, keep) || " ");
}
function tableCell(text2, max = DEFAULT_LENGTH, keep = "start") {
  return inlineCode(text2, max, keep).replace(/\|/g, "\\|");
}
function markdownText(value, max = 200) {
  return inert(oneLine(value, max)).replace(/[\\`*_[\]|~<>]/g, (char) => `\\${char}`).replace(/\\<!/g, "\\<\\!").replace(/&/g, "&amp;").replace(/^(\s*)([-=+#])/, "$1\\$2");
}
function htmlText(value, max = 200) {
  return inert(oneLine(value, max)).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

// node_modules/markdown-table/index.js
function defaultStringLength(value) {
  return value.length;
}
function markdownTable(table2, options) {
  const settings = options || {};
  const align = (settings.align || []).concat();
  const stringLength = settings.stringLength || defaultStringLength;
  const alignments = [];
  const cellMatrix = [];
  const sizeMatrix = [];
  const longestCellByColumn = [];
  let mostCellsPerRow = 0;
  let rowIndex = -1;
  while (++rowIndex < table2.length) {
    const row2 = [];
    const sizes2 = [];
    let columnIndex2 = -1;
    if (table2[rowIndex].length > mostCellsPerRow) {
      mostCellsPerRow = table2[rowIndex].length;
    }
    while (++columnIndex2 < table2[rowIndex].length) {
      const cell = serialize(table2[rowIndex][columnIndex2]);
      if (settings.alignDelimiters !== false) {
        const size = stringLength(cell);
        sizes2[columnIndex2] = size;
        if (longestCellByColumn[columnIndex2] === void 0 || size > longestCellByColumn[columnIndex2]) {
          longestCellByColumn[columnIndex2] = size;
        }
      }
      row2.push(cell);
    }
    cellMatrix[rowIndex] = row2;
    sizeMatrix[rowIndex] = sizes2;
  }
  let columnIndex = -1;
  if (typeof align === "object" && "length" in align) {
    while (++columnIndex < mostCellsPerRow) {
      alignments[columnIndex] = toAlignment(align[columnIndex]);
    }
  } else {
    const code = toAlignment(align);
    while (++columnIndex < mostCellsPerRow) {
      alignments[columnIndex] = code;
    }
  }
  columnIndex = -1;
  const row = [];
  const sizes = [];
  while (++columnIndex < mostCellsPerRow) {
    const code = alignments[columnIndex];
    let before = "";
    let after = "";
    if (code === 99) {
      before = ":";
      after = ":";
    } else if (code === 108) {
      before = ":";
    } else if (code === 114) {
      after = ":";
    }
    let size = settings.alignDelimiters === false ? 1 : Math.max(
      1,
      longestCellByColumn[columnIndex] - before.length - after.length
    );
    const cell = before + "-".repeat(size) + after;
    if (settings.alignDelimiters !== false) {
      size = before.length + size + after.length;
      if (size > longestCellByColumn[columnIndex]) {
        longestCellByColumn[columnIndex] = size;
      }
      sizes[columnIndex] = size;
    }
    row[columnIndex] = cell;
  }
  cellMatrix.splice(1, 0, row);
  sizeMatrix.splice(1, 0, sizes);
  rowIndex = -1;
  const lines = [];
  while (++rowIndex < cellMatrix.length) {
    const row2 = cellMatrix[rowIndex];
    const sizes2 = sizeMatrix[rowIndex];
    const cellsInRow = settings.fillRows === false ? Math.max(1, cellMatrix[rowIndex === 1 ? 0 : rowIndex].length) : mostCellsPerRow;
    columnIndex = -1;
    const line = [];
    while (++columnIndex < cellsInRow) {
      const cell = row2[columnIndex] || "";
      let before = "";
      let after = "";
      if (settings.alignDelimiters !== false) {
        const size = longestCellByColumn[columnIndex] - (sizes2[columnIndex] || 0);
        const code = alignments[columnIndex];
        if (code === 114) {
          before = " ".repeat(size);
        } else if (code === 99) {
          const half = size / 2;
          if (size % 2) {
            before = " ".repeat(half + 0.5);
            after = " ".repeat(half - 0.5);
          } else {
            before = " ".repeat(half);
            after = before;
          }
        } else {
          after = " ".repeat(size);
        }
      }
      if (settings.delimiterStart !== false && !columnIndex) {
        line.push("|");
      }
      if (settings.padding !== false && // Don’t add the opening space if we’re not aligning and the cell is
      // empty: there will be a closing space.
      !(settings.alignDelimiters === false && cell === "") && (settings.delimiterStart !== false || columnIndex)) {
        line.push(" ");
      }
      if (settings.alignDelimiters !== false) {
        line.push(before);
      }
      line.push(cell);
      if (settings.alignDelimiters !== false) {
        line.push(after);
      }
      if (settings.padding !== false) {
        line.push(" ");
      }
      if (settings.delimiterEnd !== false || columnIndex !== cellsInRow - 1) {
        line.push("|");
      }
    }
    lines.push(
      settings.delimiterEnd === false ? line.join("").replace(/ +$/, "") : line.join("")
    );
  }
  return lines.join("\n");
}
function serialize(value) {
  return value === null || value === void 0 ? "" : String(value);
}
function toAlignment(value) {
  const code = typeof value === "string" ? value.codePointAt(0) : 0;
  return code === 67 || code === 99 ? 99 : code === 76 || code === 108 ? 108 : code === 82 || code === 114 ? 114 : 0;
}

// src/report/words.ts
var NO_PLUGIN = "no plugin";
var NO_SYSCALL = "no syscall data";
function formatLength(ms) {
  if (!Number.isFinite(ms)) return "\u2013";
  if (ms >= 1e3) return `${(ms / 1e3).toFixed(ms >= 1e4 ? 0 : 1)} s`;
  return `${ms >= 100 ? Math.round(ms) : Number(ms.toFixed(1))} ms`;
}
function formatAt(offsetMs) {
  const seconds2 = offsetMs / 1e3;
  if (Math.abs(seconds2) < 600) return `+${seconds2.toFixed(1)} s`;
  const minutes = Math.floor(seconds2 / 60);
  return `+${minutes} min ${(seconds2 - minutes * 60).toFixed(0)} s`;
}
function shortenPath(path, max) {
  const chars = [...path];
  if (chars.length <= max) return path;
  const parts = path.split("/");
  const tail = parts.slice(-2).join("/");
  const tailChars = [...tail];
  if (tailChars.length + 2 > max) {
    const file = [...parts[parts.length - 1] ?? ""];
    const parent = parts.length > 1 ? [...`${parts[parts.length - 2]}/`] : [];
    const room = parent.length <= max / 2 ? max - parent.length : max;
    const shown = room === max ? "" : parent.join("");
    if (file.length <= room) return shown + file.join("");
    const keepEnd = Math.min(12, Math.floor((room - 1) / 2));
    return shown + file.slice(0, room - 1 - keepEnd).join("") + "\u2026" + file.slice(-keepEnd).join("");
  }
  let head = "";
  for (let count = 1; count <= parts.length - 2; count++) {
    const next = parts.slice(0, count).join("/");
    if ([...next].length + 2 + tailChars.length > max) break;
    head = next;
  }
  return `${head}/\u2026/${tail}`.replace(/^\/…/, "\u2026");
}
var GC_THREAD = /^(GC Thread#\d+|G1 (Conc|Refine|Main Marker|Service|Young RemSet)|GC |ZGC|ZDriver|ZWorker|ZDirector|Shenandoah|Parallel GC|Concurrent Mark)/;
var isGcThread = (name) => GC_THREAD.test(name);
function isGcPause(spike) {
  const jfrPause = spike.gc_pause_ms ?? 0;
  if (jfrPause > 0 && jfrPause >= spike.value_ms / 2) return true;
  if (spike.top_thread === null || !isGcThread(spike.top_thread)) return false;
  const busy = (thread) => thread.cpu_ms + thread.syscall_ms;
  const gc = spike.threads.filter((t) => isGcThread(t.thread)).reduce((s, t) => s + busy(t), 0);
  const other = spike.threads.filter((t) => !isGcThread(t.thread) && !t.tick_thread).reduce((s, t) => s + busy(t), 0);
  const tick = spike.threads.filter((t) => t.tick_thread);
  const tickWaited = tick.every((t) => t.syscall_ms === 0);
  return gc > other && tickWaited;
}
function syscallThread(spike) {
  if (spike.first_syscall === null) return null;
  const tick = spike.threads.filter((t) => t.tick_thread);
  if (spike.first_syscall_scope === "tick-thread") {
    return tick[0]?.thread ?? null;
  }
  const others = spike.threads.filter((t) => !t.tick_thread && t.syscall_ms > 0).sort((a, b) => b.syscall_ms - a.syscall_ms);
  return others[0]?.thread ?? spike.top_thread;
}
function verb(syscall) {
  if (/^(fsync|fdatasync)$/.test(syscall)) return `${syscall}ed`;
  if (/^(sync_file_range|msync|syncfs|sync)$/.test(syscall)) return "flushed";
  if (/^(p?readv?2?|pread64|preadv2?)$/.test(syscall)) return "read";
  if (/^(p?writev?2?|pwrite64|pwritev2?)$/.test(syscall)) return "wrote";
  if (/^(open|openat2?|creat)$/.test(syscall)) return "opened";
  if (/^(recv|recvfrom|recvmsg|recvmmsg)$/.test(syscall)) return "waited for data on";
  if (/^(send|sendto|sendmsg|sendmmsg)$/.test(syscall)) return "sent to";
  if (/^(connect)$/.test(syscall)) return "connected to";
  if (/^(rename|renameat2?)$/.test(syscall)) return "renamed";
  if (/^(unlink|unlinkat)$/.test(syscall)) return "deleted";
  return null;
}
var SELF_EVIDENT = /* @__PURE__ */ new Set(["read", "write", "fsync", "fdatasync", "open", "openat"]);
function fileObject(path, m, maxPath) {
  if (/^socket:\[\d+\]$/.test(path)) return "a socket";
  if (/^pipe:\[\d+\]$/.test(path)) return "a pipe";
  return m.name(shortenPath(path, maxPath), maxPath + 1);
}
function pluginWords(spike, m) {
  if (spike.top_plugin === null) return NO_PLUGIN;
  const via = spike.via_plugin ?? null;
  const plugin = m.name(spike.top_plugin, 40) + (via === null ? "" : ` in ${m.name(via, 40)}`);
  return spike.entry_plugin === null ? plugin : `${plugin}${via === null ? "" : ","} called by ${m.name(spike.entry_plugin, 40)}`;
}
function pluginOnTickThread(spike) {
  const entry = spike.plugins.find((plugin) => plugin.plugin === spike.top_plugin);
  return entry === void 0 || entry.tick_thread_samples > 0;
}
function pluginClause(spike, m) {
  if (spike.top_plugin === null) {
    const sampled = spike.threads.some((thread) => thread.samples > 0);
    return sampled ? "the tick thread ran no plugin code" : "no stack samples to name a plugin";
  }
  const words = pluginWords(spike, m);
  return pluginOnTickThread(spike) ? `the tick thread ran ${words}` : `${words} ran on another thread, not the tick thread`;
}
function whatHappened(spike, m, maxPath = 40) {
  if (isGcPause(spike)) {
    return `a garbage-collection pause: ${m.name(spike.top_thread ?? "", 40)} busy, the tick thread waiting`;
  }
  const syscall = spike.first_syscall;
  if (syscall === null) {
    return spike.top_thread === null ? "no thread data" : `${m.name(spike.top_thread, 40)} was busiest (${NO_SYSCALL})`;
  }
  const actor = syscallThread(spike);
  const who = actor === null ? "a thread" : m.name(actor, 40);
  if (WAIT_SYSCALLS.has(syscall)) return `${who} waited (${m.name(syscall, 30)})`;
  const action = verb(syscall);
  const device = spike.top_device === null ? "" : ` on ${m.name(spike.top_device, 20)}`;
  if (spike.top_path === null) {
    return `${who} called ${m.name(syscall, 30)}${device}`;
  }
  const object = fileObject(spike.top_path, m, maxPath);
  const named = [
    ...action === null || SELF_EVIDENT.has(syscall) ? [] : [m.name(syscall, 30)],
    ...object === "a socket" ? [m.name(spike.top_path, 30)] : []
  ];
  const after = named.length > 0 ? ` (${named.join(", ")})` : "";
  return action === null ? `${who} called ${m.name(syscall, 30)} on ${object}${device}${after}` : `${who} ${action} ${object}${device}${after}`;
}
function spikeLine(spike, m, maxPath = 40) {
  if (spike.top_thread === null && spike.first_syscall === null && spike.top_plugin === null) {
    return "no thread, plugin or syscall data in this window (only the MSPT metric)";
  }
  if (isGcPause(spike) && spike.top_plugin === null) return whatHappened(spike, m, maxPath);
  return `${whatHappened(spike, m, maxPath)}; ${pluginClause(spike, m)}`;
}
function signatureWords(signature, m) {
  const plugin = signature.top_plugin === null ? NO_PLUGIN : m.name(signature.top_plugin, 40);
  const syscall = signature.first_syscall === null ? NO_SYSCALL : m.name(signature.first_syscall, 30);
  return `${plugin} \xB7 ${syscall}`;
}
function worstSpikeOf(report, signature) {
  let worst;
  for (const run2 of report.runs) {
    for (const spike of run2.spikes) {
      if (spike.signature !== signature) continue;
      if (!worst || spike.value_ms > worst.spike.value_ms) worst = { run: run2, spike };
    }
  }
  return worst;
}
var repeatsText = (withIt, of) => `${withIt} of ${of} repeat${of === 1 ? "" : "s"}`;
function judgedStatus(signature, kind) {
  const head = signature.judgement?.head;
  const base = signature.judgement?.base;
  const inHead = head ? repeatsText(head.repeats_with, head.repeats) : `${signature.repeats} repeats`;
  switch (kind) {
    case "new":
      return `new: ${inHead}, none before`;
    case "unconfirmed":
      return `new, but only in ${inHead}: rerun to confirm`;
    case "more frequent":
      return base ? `more frequent: ${inHead}, against ${repeatsText(base.repeats_with, base.repeats)} before` : `more frequent: ${inHead}`;
    case "worse":
      return base?.median_ms != null && head?.median_ms != null ? `worse: a typical spike of ${formatLength(head.median_ms)}, against ${formatLength(base.median_ms)} before` : "worse than before";
    case "seen":
      return `${signature.spikes} spike${signature.spikes === 1 ? "" : "s"} in ${signature.repeats} repeat${signature.repeats === 1 ? "" : "s"}`;
  }
}
function signatureSentence(report, signature, kind, m) {
  const status = judgedStatus(signature, kind);
  const worst = worstSpikeOf(report, signature.signature);
  const length = m.strong(formatLength(signature.worst_ms));
  const ticks = signature.spikes === 1 ? `A tick of ${length}` : `Ticks up to ${length}`;
  if (!worst) return `${ticks}: ${signatureWords(signature, m)} (${status}).`;
  const { spike } = worst;
  if (spike.top_thread === null && spike.first_syscall === null && spike.top_plugin === null) {
    return `${ticks}, with no thread, plugin or syscall data to explain ${signature.spikes === 1 ? "it" : "them"} (${status}).`;
  }
  const when = isGcPause(spike) ? "during" : "while";
  return `${ticks} ${when} ${spikeLine(spike, m)} (${status}).`;
}
function sideWords(spikes, repeatsWith, repeats) {
  if (repeats === void 0) return String(spikes);
  return spikes === 0 ? `none of ${repeats}` : `${spikes} in ${repeatsWith} of ${repeats}`;
}
function diffRows(diff) {
  const judged = (kind) => (s) => ({
    kind,
    signature: s,
    before: sideWords(
      s.judgement?.base.spikes ?? 0,
      s.judgement?.base.repeats_with,
      s.judgement?.base.repeats
    ),
    now: sideWords(
      s.judgement?.head.spikes ?? s.spikes,
      s.judgement?.head.repeats_with,
      s.judgement?.head.repeats
    ),
    worstMs: s.judgement?.head.worst_ms ?? s.worst_ms
  });
  const gone = (kind) => (s) => ({
    kind,
    signature: s,
    before: String(s.spikes),
    now: "0",
    worstMs: null
  });
  return [
    ...diff.new.map(judged("new")),
    ...(diff.more_frequent ?? []).map(judged("more frequent")),
    ...(diff.worse ?? []).map(judged("worse")),
    ...(diff.new_unconfirmed ?? []).map(judged("unconfirmed")),
    ...diff.resolved.map(gone("resolved")),
    ...(diff.unseen ?? []).map(gone("not seen (incomplete)")),
    ...diff.persisting.map(judged("persisting"))
  ];
}
function leadEntries(diff) {
  return [
    ...diff.new.map((s) => ["new", s]),
    ...(diff.more_frequent ?? []).map((s) => ["more frequent", s]),
    ...(diff.worse ?? []).map((s) => ["worse", s]),
    ...(diff.new_unconfirmed ?? []).map((s) => ["unconfirmed", s])
  ];
}

// src/report/chart.ts
function label(text2) {
  return text2.replace(/[^\p{L}\p{N} ._#:/+-]/gu, " ").slice(0, 60);
}
var round2 = (value) => Math.round(value * 10) / 10;
var worstOf = (run2) => run2.spikes.reduce((max, spike) => Math.max(max, spike.value_ms), -1);
function chartedRun(report) {
  const withSeries = report.runs.filter((run2) => run2.series !== null && run2.threshold_ms !== null);
  return [...withSeries].sort((a, b) => worstOf(b) - worstOf(a))[0];
}
var PALETTE = { spikes: "#f0883e", mspt: "#1f6feb", threshold: "#cf222e" };
function msptChart(run2) {
  const { series, threshold_ms: threshold } = run2;
  if (series === null || threshold === null || series.max_ms.length < 2) return null;
  let previous = series.max_ms.find((value) => value !== null) ?? 0;
  const values = series.max_ms.map((value) => previous = value ?? previous);
  const bars = values.map(() => 0);
  for (const spike of run2.spikes) {
    const bucket = Math.min(
      bars.length - 1,
      Math.max(0, Math.floor(spike.offset_ms / series.bucket_ms))
    );
    bars[bucket] = Math.max(bars[bucket], spike.value_ms);
  }
  const top = Math.ceil(Math.max(threshold, ...values) * 1.1);
  const seconds2 = round2(series.bucket_ms * values.length / 1e3);
  const shown = `${run2.run_id} #${run2.repeat}`;
  const name = label(shown.length > 32 ? `${shown.slice(0, 31)}\u2026` : shown);
  const worst = worstOf(run2);
  const title = worst > 0 ? `MSPT of ${name} (worst run)` : `MSPT of ${name}`;
  const palette = [PALETTE.spikes, PALETTE.mspt, PALETTE.threshold].join(", ");
  const which = worst > 0 ? `${inlineCode(shown, 80)}, the run with the worst spike (${formatLength(worst)})` : inlineCode(shown, 80);
  const legend = `<sub>${which}: \u{1F7E6} MSPT (the longest tick of each ${round2(series.bucket_ms / 1e3)} s) \xB7 \u{1F7E5} threshold ${round2(threshold)} ms \xB7 \u{1F7E7} spikes (${run2.spikes.length}) \xB7 x: seconds from the run\u2019s start</sub>`;
  return [
    "```mermaid",
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${palette}"}}}}%%`,
    "xychart-beta",
    `    title "${title}"`,
    `    x-axis "seconds from the run start" 0 --> ${seconds2}`,
    `    y-axis "ms per tick" 0 --> ${top}`,
    `    bar [${bars.map(round2).join(", ")}]`,
    `    line [${values.map(round2).join(", ")}]`,
    `    line [${values.map(() => round2(threshold)).join(", ")}]`,
    "```",
    "",
    legend
  ].join("\n");
}

// src/report/plugin-cell.ts
function pluginContext(spike, max = 48) {
  const via = spike.via_plugin ?? null;
  return (via === null ? "" : `; in ${inlineCode(via, max)}`) + (spike.entry_plugin ? `; called from ${inlineCode(spike.entry_plugin, max)}` : "");
}

// src/report/format.ts
function formatMs(value, digits = 1) {
  return value === null || !Number.isFinite(value) ? "\u2013" : `${value.toFixed(digits)} ms`;
}
function formatOffset(ms) {
  const seconds2 = ms / 1e3;
  if (Math.abs(seconds2) < 600) return `+${seconds2.toFixed(2)} s`;
  const minutes = Math.floor(seconds2 / 60);
  return `+${minutes} min ${(seconds2 - minutes * 60).toFixed(1)} s`;
}
var UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];
function formatBytes(bytes) {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}
function formatCount(value) {
  return value.toLocaleString("en-US");
}
function plural(count, singular, pluralForm = `${singular}s`) {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}

// src/report/markdown.ts
var DEFAULTS = {
  level: 2,
  maxSpikeRows: 30,
  maxDetails: 10,
  detailRows: 8,
  fullReportHint: "the JSON report",
  chart: false,
  maxNotes: 40,
  maxRuns: 200,
  maxDiffRows: 100,
  verdict: "",
  maxLeadSentences: 5
};
var table = (rows, align) => markdownTable(rows, { align, alignDelimiters: false });
var TEXT = { name: inlineCode, strong: (text2) => `**${text2}**` };
var CELL = { name: tableCell, strong: (text2) => `**${text2}**` };
function runLabel(run2) {
  return `${run2.run_id} #${run2.repeat}`;
}
function rankedSpikes(report) {
  const spikes = report.runs.flatMap((run2) => run2.spikes.map((spike) => ({ run: run2, spike })));
  return spikes.map((entry, order) => ({ ...entry, order })).sort((a, b) => b.spike.value_ms - a.spike.value_ms || a.order - b.order).map(({ run: run2, spike }, index) => ({ run: run2, spike, number: index + 1 }));
}
function shortRunLabel(report) {
  const ids = new Set(report.runs.map((run2) => run2.run_id));
  return ids.size === 1 ? (run2) => `#${run2.repeat}` : runLabel;
}
function summaryLine(report, spikes) {
  const analysed = report.runs.length;
  const withSpikes = report.runs.filter((run2) => run2.spikes.length > 0).length;
  if (analysed === 0) return "No input could be analysed.";
  if (spikes.length === 0) {
    return `No MSPT spikes in ${plural(analysed, "run")}.`;
  }
  const worst = spikes[0];
  return `**${plural(spikes.length, "spike")}** in ${withSpikes} of ${plural(analysed, "run")}; the worst **${formatLength(worst.spike.value_ms)}**, ${formatAt(worst.spike.offset_ms)} into ${inlineCode(runLabel(worst.run), 40)}.`;
}
var nowrap = (text2) => text2.replace(/ /g, "\xA0");
function runsTable(runs) {
  const rows = runs.map((run2) => {
    const worst = run2.spikes.reduce((max, spike) => Math.max(max, spike.value_ms), -Infinity);
    const atFloor = run2.threshold_ms !== null && run2.threshold_ms === run2.floor_ms;
    return [
      tableCell(runLabel(run2), 40),
      run2.metric === null ? "\u2013" : tableCell(run2.metric, 20),
      formatCount(run2.samples),
      nowrap(formatMs(run2.p95_ms)),
      nowrap(formatMs(run2.sigma_ms)),
      run2.threshold_ms === null ? "\u2013" : nowrap(formatMs(run2.threshold_ms)) + (atFloor ? " (floor)" : ""),
      formatCount(run2.spikes.length),
      run2.spikes.length > 0 ? nowrap(formatMs(worst)) : "\u2013"
    ];
  });
  return table(
    [["run", "metric", "ticks", "p95", "\u03C3", "threshold", "spikes", "worst"], ...rows],
    ["l", "l", "r", "r", "r", "r", "r", "r"]
  );
}
var OTHER_THREAD_MARK = "\\*";
function syscallAndFile(spike) {
  if (spike.first_syscall === null) return NO_SYSCALL;
  const mark = spike.first_syscall_scope === "all-threads" ? OTHER_THREAD_MARK : "";
  const syscall = tableCell(spike.first_syscall, 20) + mark;
  if (spike.top_path === null) return syscall;
  return `${syscall}<br>${tableCell(shortenPath(spike.top_path, 30), 31)}`;
}
function spikesTable(spikes, label2) {
  const rows = spikes.map(({ run: run2, spike, number }) => [
    `${number}`,
    `**${nowrap(formatLength(spike.value_ms))}**`,
    (label2 ? `${markdownText(label2(run2), 32)}, ` : "") + nowrap(formatAt(spike.offset_ms)),
    spike.top_thread === null ? "\u2013" : markdownText(spike.top_thread, 28) + (isGcPause(spike) ? " (GC pause)" : ""),
    spike.top_plugin === null ? NO_PLUGIN : markdownText(spike.top_plugin, 24) + (spike.via_plugin ? ` in ${markdownText(spike.via_plugin, 24)}` : "") + (spike.entry_plugin === null ? "" : ` \u2190 ${markdownText(spike.entry_plugin, 24)}`),
    syscallAndFile(spike)
  ]);
  return table(
    [["#", "tick", label2 ? "run, at" : "at", "busiest thread", "plugin", "syscall, file"], ...rows],
    ["r", "r", "l", "l", "l", "l"]
  );
}
function spikesLegend(spikes) {
  const parts = ["at: from the run\u2019s start", "plugin: the plugin code the tick thread ran"];
  if (spikes.some(({ spike }) => spike.via_plugin)) {
    parts.push("A in L: A\u2019s code run by the library plugin L");
  }
  if (spikes.some(({ spike }) => spike.entry_plugin !== null)) {
    parts.push("A \u2190 B: A called by B");
  }
  if (spikes.some(({ spike }) => spike.first_syscall_scope === "all-threads")) {
    parts.push("\\*: made by another thread while the tick thread waited");
  }
  return `<sub>${parts.join(" \xB7 ")}</sub>`;
}
function detailTables(spike, limit) {
  const parts = [];
  const more = (count) => count > limit ? `

\u2026and ${count - limit} more.` : "";
  if (spike.threads.length > 0) {
    const rows = spike.threads.slice(0, limit).map((t) => [
      tableCell(t.thread, 48) + (t.tick_thread ? " (tick)" : ""),
      t.tid === null ? "\u2013" : String(t.tid),
      formatCount(t.samples),
      t.cpu_ms.toFixed(1),
      t.syscall_ms.toFixed(1),
      t.wait_ms.toFixed(1),
      formatBytes(t.io_bytes)
    ]);
    parts.push(
      "**Threads** \u2014 each thread\u2019s own time; threads run side by side, so the column sums can exceed the spike\u2019s length\n\n" + table(
        [["thread", "tid", "samples", "sampled ms", "syscall ms", "wait ms", "I/O"], ...rows],
        ["l", "r", "r", "r", "r", "r", "r"]
      ) + more(spike.threads.length)
    );
  }
  if (spike.plugins.length > 0) {
    const rows = spike.plugins.slice(0, limit).map((p) => [
      tableCell(p.plugin, 48),
      formatCount(p.tick_thread_samples),
      formatCount(p.samples),
      p.cpu_ms.toFixed(1)
    ]);
    parts.push(
      "**Plugins** (owner = leaf-most plugin frame that is not a library plugin; sampled time summed over threads)" + pluginContext(spike) + "\n\n" + table(
        [["plugin", "tick-thread samples", "samples", "sampled ms"], ...rows],
        ["l", "r", "r", "r"]
      ) + more(spike.plugins.length)
    );
  }
  if (spike.syscalls.length > 0) {
    const rows = spike.syscalls.slice(0, limit).map((s) => [
      tableCell(s.syscall, 30) + (s.wait ? " (wait)" : ""),
      formatCount(s.count),
      s.total_ms.toFixed(1),
      s.max_ms.toFixed(1)
    ]);
    parts.push(
      "**Syscalls** (all threads, summed)\n\n" + table([["syscall", "count", "total ms", "max ms"], ...rows], ["l", "r", "r", "r"]) + more(spike.syscalls.length)
    );
  }
  if (spike.paths.length > 0) {
    const rows = spike.paths.slice(0, limit).map((p) => [
      tableCell(shortenPath(p.path, 60), 61),
      p.total_ms.toFixed(1),
      formatBytes(p.bytes),
      formatCount(p.ops)
    ]);
    parts.push(
      "**Files**\n\n" + table([["path", "ms", "bytes", "ops"], ...rows], ["l", "r", "r", "r"]) + more(spike.paths.length)
    );
  }
  if (spike.devices.length > 0) {
    const rows = spike.devices.slice(0, limit).map((d) => [
      tableCell(d.device, 30),
      formatBytes(d.bytes),
      formatCount(d.ops),
      d.total_ms.toFixed(1)
    ]);
    parts.push(
      "**Block devices**\n\n" + table([["device", "bytes", "ops", "ms"], ...rows], ["l", "r", "r", "r"]) + more(spike.devices.length)
    );
  }
  if (spike.notes.length > 0) {
    parts.push(spike.notes.map((note) => `- ${markdownText(note, 300)}`).join("\n"));
  }
  return parts;
}
function windowText(spike) {
  const lengthMs = Number(BigInt(spike.end_ns) - BigInt(spike.start_ns)) / 1e6;
  const end = spike.offset_ms + lengthMs;
  return `${formatOffset(spike.offset_ms)} to ${formatOffset(end)} from the run\u2019s start (${lengthMs.toFixed(1)} ms)`;
}
function spikeDetails({ run: run2, spike, number }, limit) {
  const words = signatureWords(spike, {
    name: (text2, max) => htmlText(text2, max),
    strong: (text2) => text2
  });
  const summary2 = `Spike ${number} \xB7 ${formatLength(spike.value_ms)} \xB7 ${htmlText(runLabel(run2), 40)} at ${formatAt(spike.offset_ms)} \xB7 ${words}`;
  return [
    "<details>",
    `<summary>${summary2}</summary>`,
    "",
    `${capitalise(spikeLine(spike, TEXT, 60))}. Window ${windowText(spike)}.`,
    "",
    detailTables(spike, limit).join("\n\n"),
    "",
    "</details>"
  ].join("\n");
}
var capitalise = (text2) => text2.charAt(0).toUpperCase() + text2.slice(1);
function signaturesTable(signatures) {
  const rows = signatures.map((s) => [
    signatureWords(s, CELL),
    formatCount(s.spikes),
    formatCount(s.repeats),
    formatMs(s.worst_ms)
  ]);
  return table(
    [["plugin \xB7 first syscall", "spikes", "repeats", "worst"], ...rows],
    ["l", "r", "r", "r"]
  );
}
var regressionsOf = (diff) => [...diff.more_frequent ?? [], ...diff.worse ?? []];
function diffVerdict(diff) {
  const failOn = diff.verdict_options?.fail_on;
  const regressions = regressionsOf(diff);
  const lines = [];
  if (diff.incomplete) {
    lines.push(
      "\u26A0\uFE0F **The comparison is incomplete**: some inputs could not be read (listed at the end), so nothing is called resolved."
    );
  }
  if (diff.new.length > 0) {
    lines.push(
      `\u274C **${plural(diff.new.length, "new spike signature")}** compared with the baseline.`
    );
  }
  if (regressions.length > 0) {
    const mark = failOn === "regression" ? "\u274C" : "\u26A0\uFE0F";
    lines.push(
      `${mark} **${plural(regressions.length, "known signature")}** more frequent or worse than in the history.`
    );
  }
  const unconfirmed = diff.new_unconfirmed ?? [];
  if (diff.new.length === 0 && regressions.length === 0) {
    const none = unconfirmed.length > 0 ? "No confirmed new spike signatures" : "No new spike signatures";
    lines.push(
      diff.resolved.length > 0 ? `\u2705 ${none}; ${plural(diff.resolved.length, "signature")} resolved.` : `\u2705 ${none}.`
    );
  }
  if (unconfirmed.length > 0) {
    lines.push(
      `\u2754 ${plural(unconfirmed.length, "signature")} new but seen too rarely to confirm: rerun to tell.`
    );
  }
  return lines.join("\n\n");
}
function leadSentences(report, limit) {
  const entries = report.diff ? leadEntries(report.diff) : [...report.signatures].sort((a, b) => b.worst_ms - a.worst_ms).map((s) => ["seen", s]);
  const shown = entries.slice(0, limit);
  const lines = shown.map(
    ([kind, signature]) => `- ${signatureSentence(report, signature, kind, TEXT)}`
  );
  if (entries.length > shown.length) {
    lines.push(`- \u2026and ${plural(entries.length - shown.length, "more kind")} of spike, below.`);
  }
  return lines.join("\n");
}
function diffReasons(diff, limit) {
  return leadEntries(diff).filter(([, s]) => s.judgement).slice(0, limit).map(
    ([label2, s]) => `- ${signatureWords(s, TEXT)} ${label2 === "unconfirmed" ? "unconfirmed" : label2}: ${markdownText(s.judgement?.reason ?? "", 300)}.`
  ).join("\n");
}
var DIFF_LABELS = {
  new: "\u{1F195} new",
  "more frequent": "\u{1F4C8} more frequent",
  worse: "\u{1F422} worse",
  unconfirmed: "\u2754 unconfirmed",
  resolved: "\u2705 resolved",
  "not seen (incomplete)": "\u2753 not seen (incomplete)",
  persisting: "persisting"
};
function diffTable(diff, limit) {
  const rows = diffRows(diff).map((row) => [
    DIFF_LABELS[row.kind],
    signatureWords(row.signature, CELL),
    row.before,
    row.now,
    row.worstMs === null ? "\u2013" : nowrap(formatMs(row.worstMs))
  ]);
  if (rows.length === 0) return { table: "Neither side has spikes.", cut: 0 };
  const shown = rows.slice(0, limit);
  return {
    table: table(
      [["", "plugin \xB7 first syscall", "spikes before", "spikes now", "worst now"], ...shown],
      ["l", "l", "r", "r", "r"]
    ),
    cut: rows.length - shown.length
  };
}
function baseLine(diff) {
  const { base } = diff;
  const where = base.url ? `[${markdownText(base.location, 120)}](${encodeURI(base.url)})` : inlineCode(base.location, 120);
  const commit = base.commit ? ` at ${inlineCode(base.commit.slice(0, 12), 12)}` : "";
  const history = diff.history;
  if (!history || history.reports <= 1) return `Baseline: ${where}${commit}.`;
  return `Judged against the reports of ${plural(history.reports, "base run")} (${plural(history.repeats, "repeat")}); the newest: ${where}${commit}.`;
}
function renderMarkdown(report, options = {}) {
  return renderReport(report, options).markdown;
}
function renderReport(report, options = {}) {
  const settings = { ...DEFAULTS, ...options };
  let omitted = false;
  const heading = (offset) => "#".repeat(Math.min(6, settings.level + offset));
  const spikes = rankedSpikes(report);
  const sections = [];
  sections.push(`${heading(0)} io-storm-catcher: MSPT spikes`);
  if (report.diff) {
    sections.push(diffVerdict(report.diff));
  } else if (settings.verdict) {
    sections.push(settings.verdict);
  }
  const lead = leadSentences(report, settings.maxLeadSentences);
  if (lead !== "") sections.push(lead);
  if (report.diff && report.diff.options_changed.length > 0) {
    sections.push(
      `\u26A0\uFE0F The baseline was analysed with other options (${report.diff.options_changed.map((name) => inlineCode(name, 30)).join(", ")}): some signatures may differ only because of that.`
    );
  }
  sections.push(summaryLine(report, spikes));
  if (spikes.length > 0) {
    const listed = spikes.slice(0, settings.maxSpikeRows);
    sections.push(`${heading(1)} Spikes, worst first`);
    const label2 = report.runs.length > 1 ? shortRunLabel(report) : null;
    sections.push(spikesTable(listed, label2));
    sections.push(spikesLegend(listed));
    if (listed.length < spikes.length) {
      omitted = true;
      sections.push(
        `Showing the ${listed.length} worst of ${spikes.length} spikes; all are in ${settings.fullReportHint}.`
      );
    }
  }
  const charted = settings.chart ? chartedRun(report) : void 0;
  const chart = charted ? msptChart(charted) : null;
  if (chart) sections.push(chart);
  if (spikes.length > 0) {
    const detailed = spikes.slice(0, settings.maxDetails);
    if (detailed.length > 0) {
      const blocks = detailed.map((entry) => spikeDetails(entry, settings.detailRows));
      if (blocks.some((block) => block.includes("\u2026and "))) omitted = true;
      sections.push(blocks.join("\n\n"));
      if (detailed.length < spikes.length) {
        omitted = true;
        sections.push(
          `Details for the ${detailed.length} worst spikes; the others are in ${settings.fullReportHint}.`
        );
      }
    }
  }
  if (report.diff) {
    sections.push(`${heading(1)} Compared with the base branch`);
    const reasons = diffReasons(report.diff, settings.maxDiffRows);
    if (reasons !== "") sections.push(reasons);
    const { table: diffRows2, cut } = diffTable(report.diff, settings.maxDiffRows);
    sections.push(diffRows2);
    if (cut > 0) {
      omitted = true;
      sections.push(`\u2026and ${cut} more signatures in ${settings.fullReportHint}.`);
    }
    sections.push(baseLine(report.diff));
  } else if (spikes.length > 0) {
    sections.push(`${heading(1)} Kinds of spike`);
    sections.push(signaturesTable(report.signatures));
  }
  if (report.runs.length > 0) {
    sections.push(`${heading(1)} Runs and thresholds`);
    sections.push(
      "A spike is a tick at or above its run\u2019s threshold: the larger of the floor and p95 + k\xB7\u03C3 of the run\u2019s ticks (p95: the 95th percentile; \u03C3: their standard deviation)."
    );
    const worst = (run2) => run2.spikes.reduce((max, spike) => Math.max(max, spike.value_ms), -1);
    const shown = report.runs.length <= settings.maxRuns ? report.runs : [...report.runs].sort((a, b) => worst(b) - worst(a)).slice(0, settings.maxRuns);
    sections.push(runsTable(report.runs.filter((run2) => shown.includes(run2))));
    if (shown.length < report.runs.length) {
      omitted = true;
      sections.push(
        `Showing the ${shown.length} runs with the worst spikes of ${report.runs.length}; all are in ${settings.fullReportHint}.`
      );
    }
  }
  const notes = [
    ...(report.notes ?? []).map((note) => `- ${markdownText(note, 600)}`),
    ...report.runs.flatMap(
      (run2) => run2.notes.map((note) => `- ${inlineCode(runLabel(run2), 40)}: ${markdownText(note, 300)}`)
    )
  ];
  if (notes.length > 0) {
    sections.push(`${heading(1)} Notes`);
    const listed = notes.slice(0, settings.maxNotes);
    if (listed.length < notes.length) {
      omitted = true;
      listed.push(`- \u2026and ${notes.length - listed.length} more in ${settings.fullReportHint}.`);
    }
    sections.push(listed.join("\n"));
  }
  if (report.errors.length > 0) {
    sections.push(`${heading(1)} Inputs that could not be analysed`);
    sections.push(
      report.errors.map(
        (error2) => `- ${inlineCode(error2.file, 120, "end")}: ${markdownText(error2.message, 300)}`
      ).join("\n")
    );
  }
  return { markdown: sections.join("\n\n") + "\n", omitted };
}

// src/report/comment.ts
var COMMENT_LIMIT = 65536;
var DETAIL_LEVELS = [
  {
    maxSpikeRows: 30,
    maxDetails: 10,
    detailRows: 8,
    chart: true,
    maxNotes: 40,
    maxRuns: 200,
    maxDiffRows: 100
  },
  {
    maxSpikeRows: 30,
    maxDetails: 5,
    detailRows: 5,
    chart: true,
    maxNotes: 20,
    maxRuns: 100,
    maxDiffRows: 50
  },
  {
    maxSpikeRows: 20,
    maxDetails: 2,
    detailRows: 5,
    chart: true,
    maxNotes: 10,
    maxRuns: 50,
    maxDiffRows: 40
  },
  { maxSpikeRows: 20, maxDetails: 0, chart: true, maxNotes: 10, maxRuns: 30, maxDiffRows: 30 },
  { maxSpikeRows: 10, maxDetails: 0, chart: false, maxNotes: 5, maxRuns: 20, maxDiffRows: 20 },
  { maxSpikeRows: 5, maxDetails: 0, chart: false, maxNotes: 0, maxRuns: 10, maxDiffRows: 10 }
];
function footer(options, dropped) {
  const parts = [];
  if (options.headSha)
    parts.push(`Analysed \`${options.headSha.slice(0, 12).replace(/[^0-9a-f]/gi, "")}\``);
  if (dropped) {
    const where = options.runUrl ? `${options.fullReportHint} of [this run](${encodeURI(options.runUrl)})` : options.fullReportHint;
    parts.push(`Detail was left out to fit a comment: the full report is in ${where}.`);
  }
  return parts.length > 0 ? `
---
<sub>${parts.join(" \xB7 ")}</sub>
` : "";
}
function renderComment(report, options) {
  const limit = options.limit ?? COMMENT_LIMIT;
  const common = { level: 2, verdict: options.verdict, fullReportHint: options.fullReportHint };
  for (const [index, level] of DETAIL_LEVELS.entries()) {
    const { markdown, omitted } = renderReport(report, { ...common, ...level });
    const body = `${options.marker}
${markdown}${footer(options, omitted || index > 0)}`;
    if (body.length <= limit) return body;
  }
  const end = footer(options, true);
  const notice2 = `

\u2026(cut to fit; ${markdownText(options.fullReportHint)} has everything)
`;
  const smallest = `${options.marker}
${renderMarkdown(report, { ...common, ...DETAIL_LEVELS[DETAIL_LEVELS.length - 1] })}`;
  const room = limit - end.length - notice2.length;
  const cut = smallest.slice(0, Math.max(0, room));
  return `${cut.slice(0, Math.max(cut.lastIndexOf("\n"), options.marker.length))}${notice2}${end}`;
}

// src/forge/identity.ts
var normalLogin = (login) => login.toLowerCase().replace(/\[bot\]$/, "");
function sameUser(identity2, author) {
  if (identity2.id !== null && author.id !== null) return identity2.id === author.id;
  const login = normalLogin(identity2.login);
  return login !== "" && login === normalLogin(author.login);
}

// src/forge/comments.ts
var CommentForbiddenError = class extends Error {
};
function commentMarker(key) {
  return `<!-- io-storm-catcher:${key} -->`;
}
var STAMP_ROOM = 64;
var STAMP = /\n<!-- io-storm-catcher-run:(\d{1,30}) -->$/;
function stampOf(body) {
  const found = STAMP.exec(body);
  return found ? BigInt(found[1]) : null;
}
var unstamped = (body) => body.replace(STAMP, "");
var COMMENT_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
function isOwnComment(comment, marker, identity2) {
  return comment.body.startsWith(marker) && comment.author !== null && sameUser(identity2, comment.author);
}
function newestFirst(a, b) {
  return b.created_at.localeCompare(a.created_at) || b.id - a.id;
}
function forbidden(error2) {
  throw new CommentForbiddenError(
    `the token may not write comments on this pull request (HTTP ${statusOf(error2)})`
  );
}
async function upsertStickyComment(request, log2) {
  const { forge, runId, pull, marker, identity: identity2 } = request;
  const body = runId === null ? request.report : `${request.report}
<!-- io-storm-catcher-run:${runId} -->`;
  const own = async () => (await forge.listComments(pull)).filter(
    (c) => identity2 === null ? c.body.startsWith(marker) : isOwnComment(c, marker, identity2)
  ).sort(newestFirst);
  try {
    let existing = await own();
    if (identity2 === null && existing.length > 0) {
      return { action: "skipped", url: "", deleted: 0 };
    }
    for (let attempt = 1; existing.length === 0; attempt++) {
      try {
        const comment = await forge.createComment(pull, body);
        return { action: "created", url: comment?.html_url ?? "", deleted: 0 };
      } catch (error2) {
        const status = statusOf(error2);
        if (status === 403) forbidden(error2);
        if (error2 instanceof BudgetExceededError) throw error2;
        if (attempt >= 3 || status !== void 0 && status < 500) throw error2;
        log2.warning(
          `creating the comment failed (${describeError(error2)}); checking before retrying`
        );
        await new Promise((resolve4) => setTimeout(resolve4, 1e3 * attempt));
        existing = await own();
        if (identity2 === null && existing.length > 0) {
          return { action: "skipped", url: "", deleted: 0 };
        }
      }
    }
    const [keep, ...duplicates] = existing;
    let deleted = 0;
    for (const duplicate of duplicates) {
      try {
        await forge.deleteComment(duplicate.id);
        deleted++;
      } catch (error2) {
        if (error2 instanceof BudgetExceededError) throw error2;
        if (statusOf(error2) === 404) continue;
        log2.warning(
          `could not delete the duplicate comment ${duplicate.html_url || duplicate.id} (${describeError(error2)}); delete it by hand`
        );
      }
    }
    const writtenBy = stampOf(keep.body);
    if (writtenBy !== null && runId !== null && writtenBy > BigInt(runId) && // others may edit our comment (Gitea lets repository writers edit any comment,
    // go-gitea/gitea#17585): a stamp only proves a newer report when it names a real run
    await forge.runExists(writtenBy)) {
      return { action: "kept-newer", url: keep.html_url, deleted };
    }
    if (unstamped(keep.body) === unstamped(body)) {
      return { action: "unchanged", url: keep.html_url, deleted };
    }
    const updated = await forge.updateComment(keep.id, body);
    return { action: "updated", url: updated?.html_url || keep.html_url, deleted };
  } catch (error2) {
    if (statusOf(error2) === 403) forbidden(error2);
    throw error2;
  }
}

// src/forge/publish.ts
var FORK_HINT = 'This is expected for pull requests from forks, whose token is read-only. To comment on them, run this action with comment: false in the pull_request workflow, upload the telemetry as an artifact, and post the comment from a second workflow triggered by workflow_run (see "Pull requests from forks" in the README).';
var MARKDOWN_FILE = "report.md";
var SUMMARY_LIMIT = 1024 * 1024 - 1024;
function verdictLine(lookup) {
  if (lookup === null || lookup.found) return void 0;
  return `\u26AA **No baseline to compare with** (${markdownText(lookup.reason, 300)}): spikes are reported, not judged.`;
}
async function writeSummary(markdown) {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const cut = markdown.lastIndexOf("\n", SUMMARY_LIMIT);
  const body = markdown.length <= SUMMARY_LIMIT ? markdown : `${markdown.slice(0, cut)}

\u2026(cut at the 1 MiB summary limit)
`;
  await summary.addRaw(body, true).write();
}
async function publish(publication, { forge, artifacts }, context, budget, log2) {
  const { report, lookup, outputDir, pull, reportName } = publication;
  const markdown = renderMarkdown(report, {
    chart: true,
    verdict: verdictLine(lookup),
    fullReportHint: `\`${REPORT_FILE}\``,
    maxSpikeRows: 200,
    maxDetails: 50,
    maxRuns: 1e3,
    maxNotes: 300,
    maxDiffRows: 1e3
  });
  await mkdir3(outputDir, { recursive: true });
  const jsonPath = join5(outputDir, REPORT_FILE);
  const markdownPath = join5(outputDir, MARKDOWN_FILE);
  await writeFile(jsonPath, reportToJson(report));
  await writeFile(markdownPath, markdown);
  await writeSummary(markdown);
  let commentUrl = "";
  if (pull !== null && publication.comment && forge !== null) {
    const hint = publication.upload && artifacts.uploadsReports ? `the \`${reportName}\` artifact and the job summary` : `\`${relative6(publication.workspace, jsonPath)}\` on the runner and the job summary`;
    commentUrl = await publishComment(
      {
        forge,
        context,
        pull,
        key: publication.commentKey,
        report,
        verdict: verdictLine(lookup),
        fullReportHint: hint
      },
      log2
    );
  }
  if (publication.upload && budget.exceeded)
    log2.warning(`report artifact not uploaded: ${budget.error().message}`);
  else if (publication.upload)
    await publishArtifact(artifacts, reportName, [jsonPath, markdownPath], outputDir, log2);
  return { jsonPath, markdownPath, commentUrl };
}
async function publishComment(request, log2) {
  const { forge, context, pull, key, report } = request;
  const runUrl = context.runId !== null ? `${context.serverUrl}/${context.owner}/${context.repo}/actions/runs/${context.runId}` : void 0;
  const marker = commentMarker(key);
  const body = renderComment(report, {
    marker,
    verdict: request.verdict,
    fullReportHint: request.fullReportHint,
    runUrl,
    headSha: context.headSha,
    limit: COMMENT_LIMIT - STAMP_ROOM
  });
  try {
    const identity2 = await forge.identity();
    const result = await upsertStickyComment(
      { forge, runId: context.runId, pull, marker, report: body, identity: identity2 },
      log2
    );
    if (result.action === "skipped") {
      log2.warning(
        `not commenting: a comment with the marker exists and, without the token's identity, it cannot be told whether it is ours`
      );
      return "";
    }
    const deleted = result.deleted ? ` (${result.deleted} duplicate(s) deleted)` : "";
    log2.info(`comment ${result.action}${deleted}: ${result.url}`);
    return result.url;
  } catch (error2) {
    if (error2 instanceof CommentForbiddenError) {
      const hint = context.eventName === "workflow_run" ? 'Give this job "permissions: pull-requests: write".' : FORK_HINT;
      log2.warning(`could not comment: ${error2.message}. ${hint}`);
    } else {
      log2.warning(`could not comment: ${errorMessage(error2)}`);
    }
    return "";
  }
}
async function publishArtifact(artifacts, name, files, directory, log2) {
  const uploaded = await artifacts.uploadReport(name, files, directory);
  if (uploaded !== null) {
    log2.info(`uploaded artifact "${name}"${uploaded.url ? `: ${uploaded.url}` : ""}`);
  }
}

// src/inputs.ts
import { isAbsolute as isAbsolute3, resolve as resolve3 } from "node:path";
function list(value) {
  return value.split(/[\n,]/).map((item) => item.trim()).filter((item) => item !== "");
}
function flag(source, name, fallback) {
  const text2 = source.getInput(name).trim();
  if (text2 === "") return fallback;
  try {
    return source.getBooleanInput(name);
  } catch {
    throw new UsageError(`input "${name}" must be true or false; got "${text2}"`);
  }
}
function wholeNumber(name, text2, fallback) {
  if (text2 === "") return fallback;
  const value = Number(text2);
  if (!Number.isInteger(value) || value < 1 || value > 100) {
    throw new UsageError(`input "${name}" must be a whole number from 1 to 100; got "${text2}"`);
  }
  return value;
}
var ARTIFACT_NAME = /^[^"/\\:<>|*?\r\n]+$/;
function readInputs(source, workspace) {
  const get = (name) => source.getInput(name);
  const inWorkspace = (path) => isAbsolute3(path) ? path : resolve3(workspace, path);
  const input = (name) => get(name).trim();
  const baselineValue = input("baseline") || "auto";
  const baseline = baselineValue === "auto" ? { mode: "auto" } : baselineValue === "none" ? { mode: "none" } : { mode: "path", path: inWorkspace(baselineValue) };
  const reportName = input("report-name") || "iostorm-report";
  if (!ARTIFACT_NAME.test(reportName)) {
    throw new UsageError(
      `input "report-name" is not a valid artifact name: "${reportName}" (no / \\ : < > | * ? or quotes)`
    );
  }
  const commentKey = input("comment-key") || "iostorm";
  if (!COMMENT_KEY.test(commentKey)) {
    throw new UsageError(
      `input "comment-key" may hold letters, digits, ".", "_" and "-" only; got "${commentKey}"`
    );
  }
  const pullText = input("pull-request");
  const pullRequest = pullText === "" ? void 0 : Number(pullText);
  if (pullRequest !== void 0 && !(Number.isInteger(pullRequest) && pullRequest > 0)) {
    throw new UsageError(`input "pull-request" must be a pull request number; got "${pullText}"`);
  }
  const events = list(get("events"));
  return {
    events: events.length > 0 ? events : ["**/events.parquet"],
    artifacts: list(get("artifacts")),
    baseline,
    reportName,
    upload: flag(source, "upload", true),
    comment: flag(source, "comment", true),
    commentKey,
    failOnNew: flag(source, "fail-on-new", true),
    baselineRuns: wholeNumber("baseline-runs", input("baseline-runs"), DEFAULT_BASELINE_RUNS),
    outputDir: inWorkspace(input("output-dir") || "iostorm-report"),
    token: input("github-token"),
    pullRequest,
    analysis: Object.fromEntries(
      ANALYSIS_OPTIONS.map((spec) => {
        if (spec.kind === "list" && spec.path) {
          const paths = get(spec.name).split("\n").map((item) => item.trim()).filter((item) => item !== "");
          return [spec.raw, paths.map(inWorkspace)];
        }
        const value = spec.kind === "list" ? list(get(spec.name)) : input(spec.name);
        const given = typeof value === "string" && value !== "";
        return [spec.raw, spec.path && given ? inWorkspace(value) : value];
      })
    ),
    verdict: Object.fromEntries(VERDICT_OPTIONS.map((spec) => [spec.raw, input(spec.name)]))
  };
}

// src/action.ts
var log = { info, warning, notice, error };
async function run(env = process.env) {
  let budget;
  try {
    const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
    const inputs = readInputs(
      { getInput, getBooleanInput },
      workspace
    );
    const context = readContext(env, inputs.pullRequest);
    const inputName = (name) => `input "${name}"`;
    const { pluginsDir, ...beforeArtifacts } = inputs.analysis;
    await parseAnalysisOptions(beforeArtifacts, inputName);
    const settings = await parseVerdictOptions(inputs.verdict, inputName);
    if (!inputs.failOnNew) settings.failOn = "never";
    const limits = forgeLimits(env);
    budget = new ForgeBudget(limits.budgetMs);
    const opened = openForge(context, inputs.token, log, limits, budget, env);
    const unusableArtifacts = await fetchTelemetryArtifacts(
      inputs.artifacts,
      opened.artifacts,
      workspace,
      log
    );
    const options = await parseAnalysisOptions({ ...beforeArtifacts, pluginsDir }, inputName);
    const analysed = await analyseEvents(workspace, inputs.events, options, log);
    const target = await resolvePull(opened.forge, context, log);
    const lookup = await baselineOf(
      target,
      inputs.baseline,
      opened.forge,
      context,
      inputs.reportName,
      log,
      inputs.baselineRuns
    );
    const head = {
      runs: analysed.runs,
      signatures: summariseSignatures(analysed.runs),
      options: describeOptions(options)
    };
    const compared = lookup === null ? NOT_COMPARED : compare(lookup.found ? lookup.history : null, head, settings);
    const comparison = {
      ...compared,
      diff: compared.diff && markIncomplete(compared.diff, analysed.errors.length)
    };
    const notes = optionNotes(options);
    for (const note of notes) log.warning(note);
    const report = buildReport({ ...analysed, options: head.options, diff: comparison.diff, notes });
    const published = await publish(
      { ...inputs, report, lookup, workspace, pull: target.pull },
      opened,
      context,
      budget,
      log
    );
    setOutputs(report, comparison, lookup, published);
    const failures = failuresOf(comparison, analysed.errors.length, unusableArtifacts.length);
    if (failures.length > 0) setFailed(failures.join("; "));
  } catch (error2) {
    setFailed(
      error2 instanceof UsageError ? error2.message : `io-storm-catcher failed: ${errorMessage(error2)}`
    );
    if (!(error2 instanceof UsageError) && error2 instanceof Error && error2.stack)
      debug(error2.stack);
  } finally {
    budget?.dispose();
  }
}
function setOutputs(report, { diff, verdict }, lookup, published) {
  const newSignatures = diff?.new.length ?? 0;
  const regressions = (diff?.more_frequent?.length ?? 0) + (diff?.worse?.length ?? 0);
  const unconfirmed = diff?.new_unconfirmed?.length ?? 0;
  setOutput(
    "spikes",
    report.runs.reduce((sum, r) => sum + r.spikes.length, 0)
  );
  setOutput("signatures", report.signatures.length);
  setOutput("new-signatures", newSignatures);
  setOutput("resolved-signatures", diff?.resolved.length ?? 0);
  setOutput("regressions", regressions);
  setOutput("unconfirmed", unconfirmed);
  setOutput("verdict", verdict);
  setOutput("report-json", published.jsonPath);
  setOutput("report-markdown", published.markdownPath);
  setOutput("comment-url", published.commentUrl);
  setOutput("baseline-run-id", lookup?.found ? lookup.history[0].source.run_id ?? "" : "");
  info(
    `verdict ${verdict}: ${report.signatures.length} signature(s), ${newSignatures} new, ${regressions} regression(s), ${unconfirmed} unconfirmed, ${diff?.resolved.length ?? 0} resolved`
  );
}
function failuresOf({ diff }, unreadable, unusableArtifacts) {
  const failures = [];
  if (diff && (diff.failing ?? []).length > 0) {
    const judged = [...diff.new, ...diff.more_frequent ?? [], ...diff.worse ?? []];
    const why = (diff.failing ?? []).map((signature) => {
      const judgement = judged.find((entry) => entry.signature === signature)?.judgement;
      return judgement ? `${signature} is ${judgement.class}: ${judgement.reason}` : signature;
    });
    failures.push(
      `spike signatures fail under fail-on: ${diff.verdict_options?.fail_on} \u2014 ${why.join("; ")}`
    );
  }
  if (unreadable > 0) {
    failures.push(`${unreadable} input file(s) could not be analysed (see the errors above)`);
  }
  if (unusableArtifacts > 0) {
    failures.push(
      `${unusableArtifacts} artifact(s) named by "artifacts" could not be used (see the warnings above)`
    );
  }
  return failures;
}

// src/index.ts
if (isMainThread) await run();
