"""Read the policies stage's output (`recommended_policies/index.json` and the files it names).

The site never generates policies itself: it links the files for download and shows each tool's entry
from `policy.json` and `intercept.yaml`. A missing folder, a missing server entry or an unreadable file
means "no downloads / no snippet" for that server, never a failed build.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

PRESETS = ("recommended", "strict", "permissive")
FORMAT_LABELS = {
    "policy.json": "Gateway policy (policy.json)",
    "intercept.yaml": "Intercept YAML",
    "claude-code.json": "Claude Code settings",
    "disabled-tools.json": "Disabled tools list",
    "cedar": "Cedar policy",
}
SNIPPET_FORMATS = ("policy.json", "intercept.yaml")
# libyaml's parser and emitter when PyYAML has them: the pure-Python ones spent three quarters of a tool
# page's render time re-reading each server's intercept.yaml and dumping each tool's entry.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAML_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@dataclass
class PolicyIndex:
    root: Path | None
    servers: dict[str, dict[str, Any]] = field(default_factory=dict)

    def files_for(self, slug: str) -> dict[str, dict[str, str]]:
        """{preset: {format: relative path}} for a server, only paths that stay inside the folder."""
        entry = self.servers.get(slug)
        if not isinstance(entry, dict) or self.root is None:
            return {}
        files = entry.get("files")
        if not isinstance(files, dict):
            return {}
        result: dict[str, dict[str, str]] = {}
        for preset in sorted(files, key=lambda p: (PRESETS.index(p) if p in PRESETS else 9, p)):
            formats = files[preset]
            if not isinstance(formats, dict):
                continue
            safe = {fmt: rel for fmt, rel in sorted(formats.items()) if isinstance(rel, str) and _safe_relative(rel)}
            if safe:
                result[str(preset)] = safe
        return result


def _safe_relative(rel: str) -> bool:
    path = PurePosixPath(rel)
    return not path.is_absolute() and ".." not in path.parts and bool(path.parts)


def load_policy_index(policies_dir: Path | None) -> PolicyIndex:
    """The index of the policies folder, or an empty index when there is none (or it is unreadable)."""
    if policies_dir is None:
        return PolicyIndex(root=None)
    index_path = Path(policies_dir) / "index.json"
    try:
        data = json.loads(index_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return PolicyIndex(root=None)
    servers = data.get("servers") if isinstance(data, dict) else None
    return PolicyIndex(root=Path(policies_dir), servers=servers if isinstance(servers, dict) else {})


def _read_structured(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
        return json.loads(text) if path.suffix == ".json" else yaml.load(text, Loader=YAML_LOADER)
    except (OSError, ValueError, yaml.YAMLError):
        return None


def tool_snippets(index: PolicyIndex, slug: str, tool_names: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Per tool name: [{preset, entry (the policy.json entry or None), hidden, formats: [{format, text}]}]."""
    files = index.files_for(slug)
    result: dict[str, list[dict[str, Any]]] = {name: [] for name in tool_names}
    if not files or index.root is None:
        return result
    for preset, formats in files.items():
        documents = {fmt: _read_structured(index.root / formats[fmt]) for fmt in SNIPPET_FORMATS if fmt in formats}
        policy = documents.get("policy.json")
        hidden = set(policy.get("hide") or []) if isinstance(policy, dict) else set()
        for name in tool_names:
            rendered = []
            entry = None
            for fmt, doc in documents.items():
                tools = doc.get("tools") if isinstance(doc, dict) else None
                if not isinstance(tools, dict) or name not in tools:
                    continue
                value = tools[name]
                if fmt == "policy.json":
                    entry = value if isinstance(value, dict) else None
                    text = json.dumps({name: value}, indent=2, ensure_ascii=False, sort_keys=True)
                else:
                    text = yaml.dump({name: value}, Dumper=YAML_DUMPER, sort_keys=True, allow_unicode=True).rstrip()
                rendered.append({"format": fmt, "label": FORMAT_LABELS.get(fmt, fmt), "text": text})
            if rendered or name in hidden:
                if name in hidden:
                    entry = dict(entry or {}, hidden=True)
                result[name].append({"preset": preset, "entry": entry, "hidden": name in hidden, "formats": rendered})
    return result


def download_links(index: PolicyIndex, slug: str) -> list[dict[str, Any]]:
    """[{preset, files: [{format, label, source (absolute Path), target (site-relative path)}]}]."""
    if index.root is None:
        return []
    rows = []
    for preset, formats in index.files_for(slug).items():
        files = []
        for fmt, rel in formats.items():
            source = index.root / rel
            if source.is_file():
                files.append(
                    {
                        "format": fmt,
                        "label": FORMAT_LABELS.get(fmt, fmt),
                        "source": str(source),
                        "target": "policies/" + rel,
                    }
                )
        if files:
            rows.append({"preset": preset, "files": files})
    return rows
