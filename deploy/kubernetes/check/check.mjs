#!/usr/bin/env node
// Validates Kubernetes manifests against the API schemas of the kubernetes-models package, offline.
//
//   node check.mjs FILE.yaml...
//
// Every YAML document in every file must be an object of a kind kubernetes-models knows (its apiVersion and
// kind), and must pass that model's validate(): types, enums, required fields. The schemas have no
// "additionalProperties: false", so validate() accepts any unknown field; a typo such as "imagePullPolcy"
// would go unnoticed there and be dropped silently by the API server. This script therefore also reports every
// field that the schema of its object does not define (see unknownFields below).
//
// Exit status: 0 every document is valid; 1 at least one is not (each problem printed on stderr as
// "FILE: document N (Kind name): problem"); 2 bad usage or unreadable files.

import { readFileSync } from "node:fs";

// imported here, not statically, so that a missing install is one clear message instead of a stack trace
let parseAllDocuments;
try {
  ({ parseAllDocuments } = await import("yaml"));
  await import("kubernetes-models/v1");
} catch (e) {
  console.error(`check.mjs: its packages are not installed (${e.code ?? e.message})`);
  console.error("HINT: run 'npm ci --no-audit --no-fund' in deploy/kubernetes/check (bin/test does it)");
  process.exit(2);
}

const GROUP_VERSION = /^(?:([a-z0-9]([a-z0-9.-]*[a-z0-9])?)\/)?(v[0-9]+(?:(?:alpha|beta)[0-9]+)?)$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;

function usage(message) {
  console.error(`check.mjs: ${message}`);
  console.error("usage: node check.mjs FILE.yaml... (every YAML document in each file is checked)");
  process.exit(2);
}

/** The kubernetes-models class for apiVersion and kind, or an error message saying why there is none. */
async function modelFor(apiVersion, kind) {
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    return { error: "apiVersion and kind must both be set (strings): without them the object has no schema" };
  }
  const gv = GROUP_VERSION.exec(apiVersion);
  if (!gv || !KIND.test(kind)) {
    return { error: `'${apiVersion}' '${kind}' is not a valid apiVersion and kind` };
  }
  const group = gv[1];
  const version = gv[3];
  // core objects (apiVersion "v1") live in kubernetes-models/v1, the others under their group
  const module = group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`;
  let exports;
  try {
    exports = await import(module);
  } catch {
    return { error: `unknown apiVersion '${apiVersion}': kubernetes-models has no schemas for it (check the spelling, or the API group's current version)` };
  }
  const model = exports[kind];
  // the module also exports nested types (e.g. StatefulSetSpec); only top-level objects carry kind and apiVersion
  if (typeof model !== "function" || model.kind !== kind || model.apiVersion !== apiVersion) {
    return { error: `unknown kind '${kind}' in apiVersion '${apiVersion}' (check the spelling and the apiVersion)` };
  }
  return { model };
}

/**
 * The document wrapped so that every property the validator reads is recorded. The generated validators
 * read each property their schema defines (to test whether it is present) and walk every key of a map such
 * as labels or ConfigMap data; so after validation, a key that was never read is one the schema does not
 * define, and the keys that were read are the ones it does.
 */
function tracked(value, path, seen) {
  if (value === null || typeof value !== "object") {
    return value;
  }
  const read = new Set();
  const children = new Map();
  if (!Array.isArray(value)) {
    seen.push({ path, value, read });
  }
  return new Proxy(value, {
    get(target, key, receiver) {
      if (typeof key !== "string") {
        return Reflect.get(target, key, receiver);
      }
      read.add(key);
      if (!Object.prototype.hasOwnProperty.call(target, key)) {
        return Reflect.get(target, key, receiver);
      }
      if (!children.has(key)) {
        const childPath = Array.isArray(target) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
        children.set(key, tracked(target[key], childPath, seen));
      }
      return children.get(key);
    },
  });
}

function distance(a, b) {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

function unknownFields(seen) {
  const problems = [];
  for (const { path, value, read } of seen) {
    for (const key of Object.keys(value)) {
      if (read.has(key)) {
        continue;
      }
      const where = path ? `${path}.${key}` : key;
      const known = [...read].filter((k) => !/^\d+$/.test(k) && k !== "constructor" && k !== "toJSON");
      const close = known
        .map((k) => ({ k, d: distance(key.toLowerCase(), k.toLowerCase()) }))
        .filter(({ d }) => d <= Math.max(2, Math.floor(key.length / 4)))
        .sort((x, y) => x.d - y.d)[0];
      problems.push(`${where}: unknown field '${key}'` + (close ? ` (did you mean '${close.k}'?)` : ""));
    }
  }
  return problems;
}

async function checkDocument(doc) {
  if (doc.errors.length > 0) {
    return doc.errors.map((e) => `not valid YAML: ${e.message}`);
  }
  const data = doc.toJS();
  if (data === null || data === undefined) {
    return [];
  }
  if (typeof data !== "object" || Array.isArray(data)) {
    return ["a Kubernetes object must be a mapping with apiVersion, kind and metadata"];
  }
  const { model, error } = await modelFor(data.apiVersion, data.kind);
  if (error) {
    return [error];
  }
  const problems = [];
  const seen = [];
  try {
    // the model's own validate(), run on the tracked document so the fields it reads are recorded
    model.prototype.validate.call(tracked(data, "", seen));
  } catch (e) {
    if (!Array.isArray(e.errors)) {
      throw e;
    }
    for (const err of e.errors) {
      const where = err.instancePath.slice(1).split("/").map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join("").replace(/^\./, "");
      problems.push(`${where || "the object"} ${err.message}` + (err.params?.allowedValues ? `: ${err.params.allowedValues.join(", ")}` : ""));
    }
  }
  problems.push(...unknownFields(seen));
  if (!data.metadata || typeof data.metadata.name !== "string" || data.metadata.name === "") {
    problems.push("metadata.name is missing: every object needs a name");
  }
  return problems;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  usage("no manifest given");
}
let failed = 0;
let documents = 0;
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    usage(`cannot read ${file}: ${e.message}`);
  }
  const docs = parseAllDocuments(text);
  let n = 0;
  for (const doc of docs) {
    n++;
    const data = doc.errors.length === 0 ? doc.toJS() : null;
    if (doc.errors.length === 0 && (data === null || data === undefined)) {
      continue; // an empty document, e.g. after a trailing "---"
    }
    documents++;
    const name = data && typeof data === "object" ? `${data.kind ?? "?"} ${data.metadata?.name ?? "?"}` : "?";
    for (const problem of await checkDocument(doc)) {
      console.error(`${file}: document ${n} (${name}): ${problem}`);
      failed++;
    }
  }
}
if (documents === 0) {
  usage("the files hold no YAML document");
}
if (failed > 0) {
  console.error(`check.mjs: ${failed} problem(s) in ${files.length} file(s); fix them and run again`);
  process.exit(1);
}
console.log(`check.mjs: ${documents} object(s) in ${files.length} file(s) are valid`);
