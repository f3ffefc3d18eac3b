"""bandit finds nothing in app/ that is not justified in a `# nosec` comment on its line."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bandit_is_clean():
    run = subprocess.run([sys.executable, "-m", "bandit", "-q", "-r", "app", "-f", "json"],
                         cwd=ROOT, capture_output=True, text=True)
    report = json.loads(run.stdout)
    findings = [f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}"
                for r in report["results"]]
    assert findings == []
