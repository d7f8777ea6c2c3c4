"""A process that opens a rating store at an agreed moment and puts ratings (tests/motcua/test_store_race.py).

Usage: python store_opener.py STORE START_AT COUNT. Waits until the wall clock reaches START_AT, so two
such processes open (create, migrate) the same store at the same instant, then prints the id of each
rating whose `put` returned: the ratings a citizen was thanked for.
"""

import sys
import time

from motcua.outbox import Outbox


def main(path: str, start_at: float, count: int) -> None:
    time.sleep(max(0.0, start_at - time.time()))
    ob = Outbox.open(path)
    for n in range(count):
        print(ob.put("rating", {"office": "XA-RACE", "counter": 1, "score": 1 + n % 3}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]), int(sys.argv[3]))
