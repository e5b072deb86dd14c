"""Lists modules over 300 lines and functions over 40 lines (decorators counted, docstrings not) in
therapist_app, the limits of issue 14. Exits 1 when there is any. Usage: python scripts/size_audit.py"""
import ast
import sys
from pathlib import Path

MODULE_LINES, FUNCTION_LINES = 300, 40


def _function_lines(node) -> int:
    start = min([node.lineno] + [decorator.lineno for decorator in node.decorator_list])
    length = node.end_lineno - start + 1
    first = node.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        length -= first.end_lineno - first.lineno + 1
    return length


def offenders(root: Path):
    for path in sorted(root.rglob("*.py")):
        text = path.read_text()
        if (count := len(text.splitlines())) > MODULE_LINES:
            yield f"module   {count:4d}  {path}"
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _function_lines(node) > FUNCTION_LINES:
                yield f"function {_function_lines(node):4d}  {path}:{node.lineno} {node.name}"


if __name__ == "__main__":
    found = list(offenders(Path(__file__).resolve().parent.parent / "therapist_app"))
    print("\n".join(found) or "No module over 300 lines, no function over 40.")
    sys.exit(1 if found else 0)
