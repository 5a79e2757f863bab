"""zod -> JSON Schema, through the evaluator (the same path registration arguments take)."""

from __future__ import annotations

import pytest

from crawler.extract.base import SourceFile
from crawler.extract.typescript import extract_files


def schema_of(shape: str) -> dict:
    src = f'import {{ z }} from "zod";\nconst server = new McpServer({{}});\nserver.tool("t", "d", {shape}, async () => 1);\n'
    tools = extract_files([SourceFile("index.ts", src)]).tools
    assert [t.name for t in tools] == ["t"]
    return tools[0].input_schema


@pytest.mark.parametrize(
    ("field", "expected", "required"),
    [
        ("z.string().email()", {"type": "string", "format": "email"}, True),
        ("z.string().optional().describe('x')", {"type": "string", "description": "x"}, False),
        ("z.number().nullable()", {"type": ["number", "null"]}, True),
        ("z.string().nullish()", {"type": ["string", "null"]}, False),
        ("z.boolean().default(true)", {"type": "boolean", "default": True}, False),
        (
            "z.array(z.number()).min(1).max(5)",
            {"type": "array", "items": {"type": "number"}, "minItems": 1, "maxItems": 5},
            True,
        ),
        ("z.string().array()", {"type": "array", "items": {"type": "string"}}, True),
        ("z.record(z.string(), z.number())", {"type": "object", "additionalProperties": {"type": "number"}}, True),
        ("z.union([z.string(), z.number()])", {"anyOf": [{"type": "string"}, {"type": "number"}]}, True),
        ("z.literal(3)", {"type": "number", "const": 3}, True),
        ("z.coerce.number().int().nonnegative()", {"type": "integer", "minimum": 0}, True),
        (
            "z.object({ a: z.string(), b: z.number().optional() })",
            {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "number"}}, "required": ["a"]},
            True,
        ),
        ("z.any()", {}, False),
        ("z.string().regex(/x/).transform((s) => s.trim())", {"type": "string"}, True),
    ],
)
def test_zod_fields(field: str, expected: dict, required: bool) -> None:
    schema = schema_of("{ f: " + field + " }")
    assert schema["properties"]["f"] == expected
    assert ("f" in schema.get("required", [])) is required


def test_zod_object_extend_and_shape_reuse() -> None:
    src = (
        'import * as z from "zod";\n'
        "const Base = z.object({ id: z.string() });\n"
        "const Full = Base.extend({ note: z.string().optional() });\n"
        "const server = new McpServer({});\n"
        "server.registerTool('a', { inputSchema: Full.shape }, async () => 1);\n"
        "server.registerTool('b', { inputSchema: Base }, async () => 1);\n"
    )
    tools = {t.name: t for t in extract_files([SourceFile("index.ts", src)]).tools}
    expected = {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}
    assert tools["b"].input_schema == expected
    assert tools["a"].input_schema == {
        "type": "object",
        "properties": {"id": {"type": "string"}, "note": {"type": "string"}},
        "required": ["id"],
    }


def test_zod_object_pick_omit_partial_merge() -> None:
    src = (
        'import { z } from "zod";\n'
        "const A = z.object({ id: z.string(), name: z.string(), age: z.number() });\n"
        "const B = z.object({ tag: z.string() });\n"
        "const server = new McpServer({});\n"
        "server.registerTool('pick', { inputSchema: A.pick({ id: true }) }, async () => 1);\n"
        "server.registerTool('omit', { inputSchema: A.omit({ id: true }).partial() }, async () => 1);\n"
        "server.registerTool('merge', { inputSchema: A.pick({ id: true }).merge(B).shape }, async () => 1);\n"
    )
    tools = {t.name: t.input_schema for t in extract_files([SourceFile("index.ts", src)]).tools}
    assert tools["pick"] == {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}
    assert tools["omit"] == {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "number"}}}
    assert tools["merge"] == {
        "type": "object",
        "properties": {"id": {"type": "string"}, "tag": {"type": "string"}},
        "required": ["id", "tag"],
    }
