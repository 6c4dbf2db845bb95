"""Four local copies of agno for the ab trials, differing only in a constant: the iterations of an empty loop
added to ``Agent.__init__`` (``AGNOBENCH_PAD``): base and base2 0, slow2 24, slow5 64.

    python tools/ab_trials/make_copies.py DIR [--version 3.1.10]

The copies come from agno's source distribution (``pip download --no-binary``). The pad's cost was
measured in one process, bursts of ``Agent()`` with the pad at 0 and at N interleaved (calibrate.py):
64 iterations +4.9…5.0 %, 24 iterations +1.9…2.05 % (three runs each, agno 3.1.10, 2-vCPU VM).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

PADS = {"base": 0, "base2": 0, "slow2": 24, "slow5": 64}
ANCHOR = "        self.offload_tool_results = offload_tool_results\n"
HEAD = "@dataclass(init=False)\nclass Agent:"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", type=Path)
    parser.add_argument("--version", default="3.1.10")
    args = parser.parse_args()
    args.directory.mkdir(parents=True, exist_ok=True)
    sdist = args.directory / f"agno-{args.version}.tar.gz"
    if not sdist.exists():
        subprocess.run([sys.executable, "-m", "pip", "download", f"agno=={args.version}", "--no-binary", ":all:",
                        "--no-deps", "-d", str(args.directory), "-q"], check=True)
    with tarfile.open(sdist) as archive:
        archive.extractall(args.directory, filter="data")
    source = args.directory / f"agno-{args.version}"
    for name, pad in PADS.items():
        copy = args.directory / f"agno-{name}"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(source, copy)
        module = copy / "agno" / "agent" / "agent.py"
        text = module.read_text()
        if text.count(ANCHOR) != 1 or text.count(HEAD) != 1:
            raise SystemExit(f"agno {args.version}: Agent.__init__ is not where this script expects it")
        text = text.replace(ANCHOR, "        for _agnobench_pad in range(AGNOBENCH_PAD):  # agnobench ab trials\n"
                                    "            pass\n" + ANCHOR)
        text = text.replace(HEAD, f"AGNOBENCH_PAD = {pad}  # agnobench ab trials: loop iterations added to "
                                  f"Agent.__init__\n\n\n{HEAD}")
        module.write_text(text)
        print(f"{copy}: AGNOBENCH_PAD = {pad}")


if __name__ == "__main__":
    main()
