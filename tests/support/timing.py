"""
How much work something took, measured so that a busy machine does not fail the test.

"Refused quickly" and "renders in well under a second" are claims about the
work done, not about how long the machine took to get round to it: two cores
shared by the suite, a PostgreSQL run and other people's tests can stretch
wall time many times over. CPU time of this process is not stretched.
"""

import time


class cpu_time:
    """CPU seconds this process spends inside the block: ``with cpu_time() as cpu: …; cpu.seconds``."""

    def __enter__(self):
        self.start = time.process_time()
        return self

    def __exit__(self, *exc):
        self.seconds = time.process_time() - self.start
