"""Settings from ``reportcheck.toml`` or ``[tool.reportcheck]`` in ``pyproject.toml``.

Looked up from the current directory upwards (the first file that has
settings wins), or given with ``--config``. Command-line options override.
Keys: select, ignore, extend-select, extend-ignore, fail-on, lang.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from .errors import UsageError

KEYS = {"select", "ignore", "extend-select", "extend-ignore", "fail-on", "lang", "thresholds"}


def _read(path: Path) -> dict | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: không đọc được cấu hình ({exc}).", f"{path}: cannot read settings ({exc}).") from None
    if path.name == "pyproject.toml":
        return data.get("tool", {}).get("reportcheck")
    return data


def find_config(start: Path | None = None) -> tuple[Path | None, dict]:
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for name in ("reportcheck.toml", "pyproject.toml"):
            candidate = folder / name
            if candidate.is_file():
                data = _read(candidate)
                if data is not None:
                    return candidate, validate(candidate, data)
    return None, {}


def load_config(path: str | None) -> tuple[Path | None, dict]:
    if path is None:
        return find_config()
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"{path}: không tìm thấy tệp cấu hình.", f"{path}: settings file not found.")
    return p, validate(p, _read(p) or {})


def validate(path: Path, data: dict) -> dict:
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise UsageError(
            f"{path}: khóa cấu hình không hợp lệ: {', '.join(unknown)} (hợp lệ: {', '.join(sorted(KEYS))}).",
            f"{path}: unknown settings: {', '.join(unknown)} (known: {', '.join(sorted(KEYS))}).",
        )
    for key in ("select", "ignore", "extend-select", "extend-ignore"):
        if key in data and not (isinstance(data[key], list) and all(isinstance(x, str) for x in data[key])):
            raise UsageError(f"{path}: \"{key}\" phải là danh sách mã luật.", f"{path}: \"{key}\" must be a list of rule codes.")
    if "fail-on" in data and data["fail-on"] not in ("error", "warning", "info", "never"):
        raise UsageError(f"{path}: \"fail-on\" phải là error, warning, info hoặc never.",
                         f"{path}: \"fail-on\" must be error, warning, info or never.")
    if "lang" in data and data["lang"] not in ("vi", "en"):
        raise UsageError(f"{path}: \"lang\" phải là vi hoặc en.", f"{path}: \"lang\" must be vi or en.")
    return data
