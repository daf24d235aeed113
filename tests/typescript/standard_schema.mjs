// The generated Standard Schemas through react-hook-form's `standardSchemaResolver`, as a form
// would use them: `node standard_schema.mjs PACKAGE_DIR`; prints "ok" or throws.
import assert from "node:assert/strict";
import { standardSchemaResolver } from "@hookform/resolvers/standard-schema";
import { loadPackage } from "./package.mjs";

const [packageDir] = process.argv.slice(2);
const { module: pkg } = await loadPackage(packageDir, "index.js");
const resolve = (schema, values) =>
  standardSchemaResolver(schema)(values, undefined, { fields: {}, shouldUseNativeValidation: false });
const messages = (errors) => Object.fromEntries(Object.entries(errors).map(([field, error]) => [field, error.message]));

// Each broken rule at its field, with the validator's message (the first one per field).
const bad = await resolve(pkg.UserCreateSchema, { email: "not-an-email", password: "short", full_name: "" });
assert.deepEqual(bad.values, {});
assert.deepEqual(messages(bad.errors), {
  email: "must be a valid email",
  password: "must have at least 8 characters",
  full_name: "must have at least 1 characters",
});

// A missing property is reported at its field too.
const missing = await resolve(pkg.UserCreateSchema, { password: "Sup3rSecret" });
assert.deepEqual(messages(missing.errors), { email: "must have property email" });

// Nested paths: an item of an array is `agents.1` (an array in the errors, as react-hook-form
// nests them); a rule of the whole value (an unknown property) is the form's `root` error.
const nested = await resolve(pkg.AgenticRequestSchema, { prompt: "Build it", agents: ["architect", "boss"], x: 1 });
assert.equal(nested.errors.agents.length, 2);
assert.equal(nested.errors.agents[0], undefined);
assert.match(nested.errors.agents[1].message, /^must be one of /);
assert.equal(nested.errors.root.message, "must not have additional properties: x");

// A good value: the parsed values, no errors.
const good = { email: "ada@example.com", password: "Sup3rSecret", full_name: "Ada" };
assert.deepEqual(await resolve(pkg.UserCreateSchema, good), { values: good, errors: {} });
console.log("ok");
