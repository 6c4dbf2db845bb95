"""``agnobench profile``: where an operation's time and memory go.

A figure from ``agnobench run`` says that Agno is slow or heavy; a profile says
why. Both profilers run the scenario's operation in a child process
(:mod:`._child`, started by :mod:`.launch`; the parent never imports agno or
the user's code), with setup, check, telemetry off and the network guard as
``agnobench run`` prepares them:

- :mod:`.memory` — memray captures N ops with Python's allocator traced;
  :mod:`.capture` is the child's side (sessions, and the frames memray's own
  profile hook causes), :mod:`.flamegraphs` renders the offline HTML reports.
- :mod:`.cpu` — py-spy samples a child that loops over the op;
  :mod:`.speedscope` reads what py-spy wrote.
- :mod:`.origins` sorts frames into agno, stdlib, third-party, scenario code
  and agnobench's own harness, for both.
- :mod:`.summary` prints the terminal report and writes ``summary.json``;
  :mod:`.artifacts` names the files; :mod:`.errors` carries exit codes.
"""
