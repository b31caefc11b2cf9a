/**
 * The SDK's JSON Schema validator (ajv), apart so that start-up does not load it.
 *
 * @module
 */
export { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
