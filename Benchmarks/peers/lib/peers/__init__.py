"""Registry of the systems the workloads can drive: name -> Peer subclass.

`coroq` is the product (lib/peers/coroq_peer.py); the others are the peers it
is compared with.
"""
from .asyncio_peer import AsyncioPeer
from .base import Peer, Unsupported
from .celery_peer import CeleryGeventPeer, CeleryThreadsPeer
from .coroq_peer import CoroqPeer
from .dbos_peer import DbosPeer
from .huey_peer import HueyGreenletPeer, HueyThreadPeer
from .nq_peer import NqPeer
from .tsp_peer import TspPeer

PEERS: dict[str, type[Peer]] = {
    "coroq": CoroqPeer,
    "asyncio": AsyncioPeer,
    "huey-thread": HueyThreadPeer,
    "huey-greenlet": HueyGreenletPeer,
    "tsp": TspPeer,
    "nq": NqPeer,
    "dbos": DbosPeer,
    "celery-threads": CeleryThreadsPeer,
    "celery-gevent": CeleryGeventPeer,
}

__all__ = ["PEERS", "Peer", "Unsupported"]
