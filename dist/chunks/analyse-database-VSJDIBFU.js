import { createRequire as __iostormCreateRequire } from 'node:module'; const require = __iostormCreateRequire(import.meta.url);
import {
  ATTRIBUTION_COLUMNS,
  MSPT_METRICS,
  analyseRun,
  createInterner,
  framesColumn
} from "./chunk-6ZJ7LJIF.js";
import "./chunk-AVHGB52F.js";
import {
  DatabaseError,
  quoteIdentifier,
  require_result,
  require_utils
} from "./chunk-3QD4LOCA.js";
import "./chunk-VM3A4AJX.js";
import {
  __commonJS,
  __require,
  __toESM
} from "./chunk-R5PPZ6LI.js";

// node_modules/pg-cursor/index.js
var require_pg_cursor = __commonJS({
  "node_modules/pg-cursor/index.js"(exports, module) {
    "use strict";
    var Result = require_result();
    var prepare = require_utils().prepareValue;
    var EventEmitter = __require("events").EventEmitter;
    var util = __require("util");
    var nextUniqueID = 1;
    var Cursor2 = class extends EventEmitter {
      constructor(text, values, config) {
        super();
        this._conf = config || {};
        this.text = text;
        this.values = values ? values.map(prepare) : null;
        this.connection = null;
        this._queue = [];
        this.state = "initialized";
        this._result = new Result(this._conf.rowMode, this._conf.types);
        this._Promise = this._conf.Promise || global.Promise;
        this._cb = null;
        this._rows = null;
        this._portal = null;
        this._ifNoData = this._ifNoData.bind(this);
        this._rowDescription = this._rowDescription.bind(this);
      }
      _ifNoData() {
        if (this.state !== "done" && this.state !== "error") {
          this.state = "idle";
          this._shiftQueue();
        }
        if (this.connection) {
          this.connection.removeListener("rowDescription", this._rowDescription);
        }
      }
      _rowDescription() {
        if (this.connection) {
          this.connection.removeListener("noData", this._ifNoData);
        }
      }
      submit(connection) {
        this.state = "submitted";
        this.connection = connection;
        this._portal = "C_" + nextUniqueID++;
        const con = connection;
        con.parse(
          {
            text: this.text
          },
          true
        );
        con.bind(
          {
            portal: this._portal,
            values: this.values
          },
          true
        );
        con.describe(
          {
            type: "P",
            name: this._portal
            // AWS Redshift requires a portal name
          },
          true
        );
        con.flush();
        if (this._conf.types) {
          this._result._getTypeParser = this._conf.types.getTypeParser;
        }
        con.once("noData", this._ifNoData);
        con.once("rowDescription", this._rowDescription);
      }
      _shiftQueue() {
        if (this._queue.length) {
          this._getRows.apply(this, this._queue.shift());
        }
      }
      _closePortal() {
        if (this.state === "done") return;
        this.connection.close({ type: "P", name: this._portal });
        if (this.state !== "error") {
          this.connection.sync();
        }
        this.state = "done";
      }
      handleRowDescription(msg) {
        this._result.addFields(msg.fields);
        if (this.state !== "done" && this.state !== "error") {
          this.state = "idle";
          this._shiftQueue();
        }
      }
      handleDataRow(msg) {
        const row = this._result.parseRow(msg.fields);
        this.emit("row", row, this._result);
        this._rows.push(row);
      }
      _sendRows() {
        if (this.state !== "done") {
          this.state = "idle";
        }
        setImmediate(() => {
          const cb = this._cb;
          this._cb = null;
          if (cb) {
            this._result.rows = this._rows;
            cb(null, this._rows, this._result);
          }
          this._rows = [];
        });
      }
      handleCommandComplete(msg) {
        this._result.addCommandComplete(msg);
        this._closePortal();
      }
      handlePortalSuspended() {
        this._sendRows();
      }
      handleReadyForQuery() {
        this._sendRows();
        this.state = "done";
        this.emit("end", this._result);
      }
      handleEmptyQuery() {
        this.connection.sync();
      }
      handleError(msg) {
        if (this.state === "done") return;
        if (this.state !== "initialized") {
          this.connection.removeListener("noData", this._ifNoData);
          this.connection.removeListener("rowDescription", this._rowDescription);
          this.connection.sync();
        }
        this.state = "error";
        this._error = msg;
        if (this._cb) {
          this._cb(msg);
        }
        for (let i = 0; i < this._queue.length; i++) {
          const queuedCallback = this._queue[i][1];
          queuedCallback.call(this, msg);
        }
        this._queue.length = 0;
        if (this.listenerCount("error") > 0) {
          this.emit("error", msg);
        }
      }
      _getRows(rows, cb) {
        this.state = "busy";
        this._cb = cb;
        this._rows = [];
        const msg = {
          portal: this._portal,
          rows
        };
        this.connection.execute(msg, true);
        this.connection.flush();
      }
      // users really shouldn't be calling 'end' here and terminating a connection to postgres
      // via the low level connection.end api
      end(cb) {
        if (this.state !== "initialized") {
          this.connection.sync();
        }
        this.connection.once("end", cb);
        this.connection.end();
      }
      close(cb) {
        let promise;
        if (!cb) {
          promise = new this._Promise((resolve, reject) => {
            cb = (err) => err ? reject(err) : resolve();
          });
        }
        if (!this.connection || this.state === "done") {
          setImmediate(cb);
          return promise;
        }
        this._closePortal();
        this.connection.once("readyForQuery", function() {
          cb();
        });
        return promise;
      }
      read(rows, cb) {
        let promise;
        if (!cb) {
          promise = new this._Promise((resolve, reject) => {
            cb = (err, rows2) => err ? reject(err) : resolve(rows2);
          });
        }
        if (this.state === "idle" || this.state === "submitted") {
          this._getRows(rows, cb);
        } else if (this.state === "busy" || this.state === "initialized") {
          this._queue.push([rows, cb]);
        } else if (this.state === "error") {
          setImmediate(() => cb(this._error));
        } else if (this.state === "done") {
          setImmediate(() => cb(null, []));
        } else {
          throw new Error("Unknown state: " + this.state);
        }
        return promise;
      }
    };
    Cursor2.prototype.end = util.deprecate(
      Cursor2.prototype.end,
      "Cursor.end is deprecated. Call end on the client itself to end a connection to the database."
    );
    module.exports = Cursor2;
  }
});

// node_modules/pg-cursor/esm/index.mjs
var import__ = __toESM(require_pg_cursor(), 1);
var esm_default = import__.default;

// src/telemetry/pg-tables.ts
var TABLE_NAMES = ["metrics", "samples", "syscalls", "io_events"];
var TABLE_LAYER = {
  metrics: "L0",
  samples: "L1",
  syscalls: "L4",
  io_events: null
};
var TABLE_COLUMNS = {
  metrics: [
    ["metric", "string", ["metric"]],
    ["value", "number", ["value"]],
    ["dur", "integer", ["dur_ns"]]
  ],
  samples: [
    ["tid", "integer", ["tid"]],
    ["thread", "string", ["thread"]],
    ["comm", "string", ["comm"]],
    ["frames", "frames", ["frames", "stack"]],
    ["plugin", "string", ["plugin"]],
    ["weight", "number", ["weight"]]
  ],
  syscalls: [
    ["dur", "integer", ["dur_ns"]],
    ["tid", "integer", ["tid"]],
    ["thread", "string", ["thread"]],
    ["comm", "string", ["comm"]],
    ["syscall", "string", ["syscall"]],
    ["path", "string", ["path"]],
    ["bytes", "number", ["bytes"]]
  ],
  io_events: [
    ["layer", "string", ["layer"]],
    ["source", "string", ["source"]],
    ["event", "string", ["event"]],
    ["dur", "integer", ["dur_ns"]],
    ["tid", "integer", ["tid"]],
    ["thread", "string", ["thread"]],
    ["comm", "string", ["comm"]],
    ["path", "string", ["path"]],
    ["bytes", "number", ["bytes"]],
    ["device", "string", ["device"]],
    ["read_bytes", "number", ["read_bytes"]],
    ["write_bytes", "number", ["write_bytes"]],
    ["frames", "frames", ["frames"]]
  ]
};
var INTEGER_TYPES = /* @__PURE__ */ new Set(["int2", "int4", "int8"]);
var NUMBER_TYPES = /* @__PURE__ */ new Set(["int2", "int4", "int8", "float4", "float8", "numeric"]);
var STRING_TYPES = /* @__PURE__ */ new Set(["text", "varchar", "bpchar", "name"]);
function shapeOf(kind, attribute) {
  switch (kind) {
    case "integer":
      return INTEGER_TYPES.has(attribute.type) ? "number" : void 0;
    case "number":
      return NUMBER_TYPES.has(attribute.type) ? "number" : void 0;
    case "string":
      return STRING_TYPES.has(attribute.type) ? "string" : void 0;
    case "frames":
      if (attribute.element !== null && STRING_TYPES.has(attribute.element)) return "list";
      if (attribute.type === "jsonb" || attribute.type === "json") return "json";
      return STRING_TYPES.has(attribute.type) ? "joined" : void 0;
  }
}
var EXPECTED = {
  integer: "an integer (smallint, integer or bigint)",
  number: "a number",
  string: "text",
  frames: 'text[], jsonb or ";"-joined text'
};
function expressionOf(physical, shape) {
  const quoted = quoteIdentifier(physical);
  switch (shape) {
    case "number":
      return `${quoted}::float8`;
    case "string":
      return `${quoted}::text`;
    case "list":
      return `array_to_json(${quoted}::text[])::text`;
    case "json":
      return `${quoted}::jsonb`;
    case "joined":
      return `${quoted}::text`;
  }
}
async function findTable(client, name, schema) {
  const reference = schema === void 0 ? quoteIdentifier(name) : `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`;
  const { rows } = await client.query(
    `SELECT c.oid::int AS oid, n.nspname AS schema
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid = to_regclass($1)`,
    [reference]
  );
  const found = rows[0];
  if (!found) return void 0;
  return {
    oid: found.oid,
    shown: `${found.schema}.${name}`,
    qualified: `${quoteIdentifier(found.schema)}.${quoteIdentifier(name)}`
  };
}
async function attributesOf(client, oid) {
  const { rows } = await client.query(
    `SELECT a.attname AS name, t.typname AS type, e.typname AS element
       FROM pg_attribute a
       JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'
      WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped`,
    [oid]
  );
  return new Map(rows.map((row) => [row.name, row]));
}
var KEY_COLUMNS = [
  ["run_id", STRING_TYPES, "text"],
  ["repeat", INTEGER_TYPES, "an integer"],
  ["ts_ns", /* @__PURE__ */ new Set(["int8", "int4"]), "bigint"]
];
async function findTables(client, schema, where) {
  const notes = [];
  const found = {};
  for (const name of TABLE_NAMES) {
    const table = await findTable(client, name, schema);
    if (!table) {
      if (name === "metrics") {
        throw new DatabaseError(
          `${where} has no metrics table${schema === void 0 ? " on the search path" : ` in schema ${schema}`} (a wrong database or schema? --pg-schema names another)`
        );
      }
      notes.push(`no ${name} table in the database: ${LAYER_OF_TABLE[name]} unavailable`);
      continue;
    }
    const attributes = await attributesOf(client, table.oid);
    for (const [key, types, expected] of KEY_COLUMNS) {
      const attribute = attributes.get(key);
      if (!attribute || !types.has(attribute.type)) {
        throw new DatabaseError(
          `table ${table.shown} ${attribute ? `has column ${key} of type ${attribute.type}` : `has no column ${key}`}; expected ${expected}`
        );
      }
    }
    const columns = /* @__PURE__ */ new Map();
    for (const [column, kind, names] of TABLE_COLUMNS[name]) {
      const physical = names.find((candidate) => attributes.has(candidate));
      if (physical === void 0) continue;
      const attribute = attributes.get(physical);
      const shape = shapeOf(kind, attribute);
      if (shape === void 0) {
        throw new DatabaseError(
          `column ${table.shown}.${physical} has type ${attribute.type}; expected ${EXPECTED[kind]}`
        );
      }
      columns.set(column, { column, physical, shape, expression: expressionOf(physical, shape) });
    }
    if (name === "io_events" && !columns.has("layer")) {
      notes.push(`table ${table.shown} has no layer column: its rows have no layer and are ignored`);
    }
    found[name] = { name, qualified: table.qualified, shown: table.shown, columns };
  }
  return { ...found, ...found, notes };
}
var LAYER_OF_TABLE = {
  metrics: "L0 spark metrics",
  samples: "L1 async-profiler stacks",
  syscalls: "L4 bpftrace syscalls",
  io_events: "L2 JFR events, L3 /proc io deltas and L4 block I/O"
};
function availableColumns(tables) {
  const columns = /* @__PURE__ */ new Set(["ts", "layer", "run_id", "repeat"]);
  for (const name of TABLE_NAMES) {
    for (const column of tables[name]?.columns.keys() ?? []) columns.add(column);
  }
  return columns;
}

// src/telemetry/pg-read.ts
var BATCH_ROWS = 8192;
async function* streamRows(client, sql, params, batchRows = BATCH_ROWS) {
  const cursor = client.query(new esm_default(sql, params, { rowMode: "array" }));
  try {
    for (; ; ) {
      const rows = await cursor.read(batchRows);
      if (rows.length === 0) return;
      yield rows;
    }
  } finally {
    await cursor.close().catch(() => void 0);
  }
}
function selectList(table, wanted, baseParam) {
  const selected = [
    { column: "ts", shape: "time", expression: `(ts_ns - ${baseParam}::bigint)::float8` }
  ];
  const fixed = TABLE_LAYER[table.name];
  const layer = table.columns.get("layer");
  if (fixed !== null) selected.push({ column: "layer", shape: "layer", expression: `'${fixed}'` });
  else if (layer) selected.push({ column: "layer", shape: "layer", expression: layer.expression });
  for (const column of wanted) {
    if (column === "ts" || column === "layer") continue;
    const found = table.columns.get(column);
    if (found) selected.push({ column, shape: found.shape, expression: found.expression });
  }
  return selected;
}
function parsedFrames(value, shape) {
  if (shape !== "list" || typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return null;
  }
}
function toBatch(rows, selected, rowStart) {
  const length = rows.length;
  const batch = { rowStart, length, ts: new Float64Array(length) };
  const target = batch;
  selected.forEach((entry, index) => {
    switch (entry.shape) {
      case "time":
      case "number": {
        const values = entry.column === "ts" ? batch.ts : new Float64Array(length);
        for (let i = 0; i < length; i++) {
          const value = rows[i][index];
          values[i] = typeof value === "number" ? value : NaN;
        }
        target[entry.column] = values;
        break;
      }
      case "string":
      case "layer": {
        const interner = createInterner();
        const codes = new Int32Array(length);
        for (let i = 0; i < length; i++) {
          const value = rows[i][index];
          codes[i] = typeof value === "string" ? interner.intern(value) : -1;
        }
        target[entry.column] = { codes, dictionary: interner.dictionary };
        break;
      }
      case "list":
      case "json":
      case "joined":
        target[entry.column] = framesColumn(
          rows.map((row) => parsedFrames(row[index], entry.shape)),
          entry.shape === "joined",
          length
        );
        break;
    }
  });
  return batch;
}
async function* streamBatches(client, sql, params, selected, rowStart) {
  for await (const rows of streamRows(client, sql, params)) {
    const batch = toBatch(rows, selected, rowStart.next);
    rowStart.next += rows.length;
    yield batch;
  }
}

// src/analysis/analyse-database.ts
var RUN = "run_id = $1 AND repeat = $2";
async function repeatsOf(database, tables, runId) {
  const repeats = /* @__PURE__ */ new Set();
  for (const name of TABLE_NAMES) {
    const table = tables[name];
    if (!table) continue;
    const { rows } = await database.client.query(
      `WITH RECURSIVE r AS (
         (SELECT repeat FROM ${table.qualified} WHERE run_id = $1 AND repeat IS NOT NULL
           ORDER BY repeat LIMIT 1)
         UNION ALL
         SELECT (SELECT repeat FROM ${table.qualified} WHERE run_id = $1 AND repeat > r.repeat
                  ORDER BY repeat LIMIT 1)
           FROM r WHERE r.repeat IS NOT NULL
       ) SELECT repeat::int AS repeat FROM r WHERE repeat IS NOT NULL`,
      [runId]
    );
    for (const row of rows) repeats.add(row.repeat);
  }
  return [...repeats].sort((a, b) => a - b);
}
async function baseOf(database, tables, runId, repeat) {
  let base;
  for (const name of TABLE_NAMES) {
    const table = tables[name];
    if (!table) continue;
    const { rows } = await database.client.query(
      `SELECT min(ts_ns)::text AS ts FROM ${table.qualified} WHERE ${RUN}`,
      [runId, repeat]
    );
    const ts = rows[0]?.ts;
    if (ts !== null && ts !== void 0 && (base === void 0 || BigInt(ts) < base)) {
      base = BigInt(ts);
    }
  }
  return base ?? 0n;
}
async function countRows(database, table, params, profiler, excluded) {
  const layer = table.name === "io_events" ? table.columns.get("layer") : void 0;
  const dur = table.columns.get("dur");
  const counted = excluded === void 0 ? "" : ` FILTER (WHERE NOT (${excluded}))`;
  const { rows } = await database.client.query(
    `SELECT ${layer ? layer.expression : "NULL::text"} AS layer, count(*)${counted}::float8 AS rows,
            min(ts_ns - $3::bigint)${counted}::float8 AS earliest,
            ${dur ? `max(${quoteIdentifier(dur.physical)})::text` : "NULL::text"} AS longest
       FROM ${table.qualified} WHERE ${RUN}
      ${layer ? "GROUP BY 1" : ""}`,
    params
  );
  let longest = 0n;
  for (const row of rows) {
    if (row.rows > 0 && row.earliest !== null)
      profiler.addCounted(TABLE_LAYER[table.name] ?? row.layer, row.rows, row.earliest);
    if (row.longest !== null && BigInt(row.longest) > longest) longest = BigInt(row.longest);
  }
  return longest;
}
async function profileThreads(database, tables, params, profiler, range) {
  const within = range ? " AND ts_ns >= $4::bigint AND ts_ns <= $5::bigint" : "";
  const parts = [];
  const column = (table, name, type) => table.columns.get(name)?.expression ?? `NULL::${type}`;
  if (tables.samples) {
    const table = tables.samples;
    parts.push(
      `SELECT 'L1'::text AS layer, ts_ns - $3::bigint AS at, nullif(${column(table, "tid", "float8")}, 'NaN') AS tid,
              ${column(table, "thread", "text")} AS thread, ${column(table, "weight", "float8")} AS weight
         FROM ${table.qualified} WHERE ${RUN}${within}`
    );
  }
  const ioLayer = tables.io_events?.columns.get("layer");
  if (tables.io_events && ioLayer) {
    const table = tables.io_events;
    parts.push(
      `SELECT ${ioLayer.expression} AS layer, ts_ns - $3::bigint AS at, nullif(${column(table, "tid", "float8")}, 'NaN') AS tid,
              ${column(table, "thread", "text")} AS thread, NULL::float8 AS weight
         FROM ${table.qualified}
        WHERE ${RUN}${within} AND ${ioLayer.expression} IN ('L1', 'L2')`
    );
  }
  if (parts.length === 0) return;
  const rows = `(${parts.join(" UNION ALL ")})`;
  const all = range ? [...params, range[0].toString(), range[1].toString()] : [...params];
  const { client } = database;
  const counts = await client.query(
    `SELECT layer, count(*)::float8 AS rows, min(at)::float8 AS earliest,
            count(*) FILTER (WHERE layer = 'L1' AND weight IS NOT NULL AND weight <> 'NaN')::float8
              AS weighted
       FROM ${rows} l GROUP BY layer`,
    all
  );
  let weighted = 0;
  let unweighted = 0;
  for (const row of counts.rows) {
    profiler.addCounted(row.layer, row.rows, row.earliest);
    if (row.layer === "L1") {
      weighted += row.weighted;
      unweighted += row.rows - row.weighted;
    }
  }
  const names = await client.query(
    `SELECT DISTINCT ON (tid) tid, thread
       FROM (SELECT tid, thread, min(at) AS first FROM ${rows} l
              WHERE tid IS NOT NULL AND thread IS NOT NULL
              GROUP BY tid, thread) pairs
      ORDER BY tid, first`,
    all
  );
  for (const row of names.rows) profiler.addThreadName(row.tid, row.thread);
  const gaps = await client.query(
    `SELECT ((at - previous + 500) / 1000 * 1000)::float8 AS gap, count(*)::float8 AS count
       FROM (SELECT at, lag(at) OVER (
                    PARTITION BY tid, CASE WHEN tid IS NULL THEN thread END
                    ORDER BY at) AS previous
               FROM ${rows} l
              WHERE layer = 'L1' AND (weight IS NULL OR weight = 'NaN')
                AND (tid IS NOT NULL OR thread IS NOT NULL)) g
      WHERE previous IS NOT NULL GROUP BY 1`,
    all
  );
  profiler.addSampleSummary(
    weighted,
    unweighted,
    gaps.rows.map((row) => [row.gap, row.count])
  );
}
async function attributeRanges(database, tables, params, spikes, base, longest, attributor) {
  for (const name of ["samples", "syscalls", "io_events"]) {
    const table = tables[name];
    if (!table) continue;
    const lookBack = name === "samples" ? 0n : longest.get(table) ?? 0n;
    const ranges = mergedRanges(spikes, base, lookBack);
    const selected = selectList(table, ATTRIBUTION_COLUMNS, "$3");
    const dur = table.columns.get("dur");
    const ends = dur ? ` AND ts_ns + greatest(coalesce(${quoteIdentifier(dur.physical)}, 0), 0) >= r.start` : "";
    const sql = `SELECT ${selected.map((entry) => entry.expression).join(", ")}
        FROM unnest($4::bigint[], $5::bigint[], $6::bigint[]) AS r(low, high, start)
        CROSS JOIN LATERAL (
          SELECT * FROM ${table.qualified}
           WHERE ${RUN} AND ts_ns >= r.low AND ts_ns <= r.high${ends}
        ) AS t`;
    const batches = streamBatches(
      database.client,
      sql,
      [
        ...params,
        ranges.map((range) => range.low.toString()),
        ranges.map((range) => range.high.toString()),
        ranges.map((range) => range.start.toString())
      ],
      selected,
      { next: 0 }
    );
    for await (const batch of batches) attributor.add(batch);
  }
}
async function repeatSource(database, tables, runId, repeat, options, shown) {
  const base = await baseOf(database, tables, runId, repeat);
  const params = [runId, repeat, base.toString()];
  const longest = /* @__PURE__ */ new Map();
  const rowStart = { next: 0 };
  async function profile(profiler) {
    const tracked = [
      .../* @__PURE__ */ new Set([...MSPT_METRICS, ...options.metric ? [options.metric] : []])
    ];
    const { metrics } = tables;
    const metricColumn = metrics.columns.get("metric");
    if (metricColumn) {
      const selected = selectList(metrics, ["metric", "value", "dur"], "$3");
      const batches = streamBatches(
        database.client,
        `SELECT ${selected.map((entry) => entry.expression).join(", ")}
           FROM ${metrics.qualified} WHERE ${RUN} AND ${metricColumn.expression} = ANY($4::text[])
          ORDER BY ts_ns`,
        [...params, tracked],
        selected,
        rowStart
      );
      for await (const batch of batches) profiler.add(batch);
      const handed = `${metricColumn.expression} IS NOT NULL AND ${metricColumn.expression} = ANY($4::text[])`;
      await countRows(database, metrics, [...params, tracked], profiler, handed);
    } else {
      await countRows(database, metrics, params, profiler);
    }
    await profileThreads(database, tables, params, profiler);
    const ioLayer = tables.io_events?.columns.get("layer");
    if (tables.syscalls) {
      longest.set(tables.syscalls, await countRows(database, tables.syscalls, params, profiler));
    }
    if (tables.io_events) {
      const handed = ioLayer ? `${ioLayer.expression} IS NOT NULL AND ${ioLayer.expression} IN ('L1', 'L2')` : void 0;
      longest.set(
        tables.io_events,
        await countRows(database, tables.io_events, params, profiler, handed)
      );
    }
  }
  async function attribute(spikes, attributor) {
    await attributeRanges(database, tables, params, spikes, base, longest, attributor);
  }
  return {
    shown,
    baseNs: base,
    columns: availableColumns(tables),
    profile,
    durations: async () => void 0,
    attribute,
    identity: () => ({ runId, repeat }),
    notes: tables.notes
  };
}
function mergedRanges(spikes, base, lookBack) {
  const ranges = spikes.map((spike) => {
    const start = base + BigInt(Math.floor(spike.start));
    return { low: start - lookBack, high: base + BigInt(Math.ceil(spike.end)), start };
  }).sort((a, b) => a.low < b.low ? -1 : a.low > b.low ? 1 : 0);
  const merged = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last && range.low <= last.high) {
      if (range.high > last.high) last.high = range.high;
      if (range.start < last.start) last.start = range.start;
    } else {
      merged.push({ ...range });
    }
  }
  return merged;
}
var RunNotFound = class extends Error {
};
function repeatLocation(database, schema, runId, repeat) {
  const query = new URLSearchParams({
    ...schema === void 0 ? {} : { schema },
    run_id: runId,
    repeat: String(repeat)
  });
  return `${database.shown}?${query.toString()}`;
}
async function analyseDatabaseRun(database, schema, runId, options) {
  const tables = await findTables(database.client, schema, database.shown);
  const repeats = await repeatsOf(database, tables, runId);
  if (repeats.length === 0) {
    throw new RunNotFound(
      `no run "${runId}" in ${database.shown}${schema ? ` (schema ${schema})` : ""}`
    );
  }
  const reports = [];
  for (const repeat of repeats) {
    await database.client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    try {
      const shown = repeatLocation(database, schema, runId, repeat);
      const source = await repeatSource(database, tables, runId, repeat, options, shown);
      reports.push(await analyseRun(source, options));
    } finally {
      await database.client.query("COMMIT").catch(() => void 0);
    }
  }
  return reports;
}
export {
  RunNotFound,
  analyseDatabaseRun,
  attributeRanges,
  mergedRanges,
  profileThreads,
  repeatLocation
};
