"""One piece of a command's work in a second process, on a machine with a second core to spare.

``Forked(function)`` forks: the child runs ``function()`` on its copy of the parent's memory (what the parent
had set up is shared, page by page, until one of them writes it) and sends back its result, pickled, through
a pipe; the parent goes on with its own piece meanwhile and asks for the child's with ``result()``. Nothing
is run but the function given, and nothing is read from the repository to decide what runs.

The child's piece is an optimisation only: ``result()`` gives ``FAILED`` whenever the child did not send a
whole result (it raised, was killed, ran out of memory), and the caller then does that piece itself, so that
what is reported (an error in a file, say) is exactly what one process reports. ``close()`` stops a child
whose result is not wanted (the parent's own piece failed).

``spare_core()`` says whether forking is worth it: the platform forks, and this process may run on two
cores or more.
"""

import os
import pickle
import signal

FAILED = object()  # what result() gives when the child sent no whole result


def spare_core():
    """Whether a second process can run beside this one: fork exists and at least two cores are ours."""
    if not hasattr(os, "fork"):
        return False
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return cores >= 2


class Forked:
    """``function()`` run in a forked child; ``result()`` its return value (or FAILED)."""

    def __init__(self, function):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: run, send, and leave at once (no atexit handler, no parent's cleanup)
            os.close(read_end)
            status = 1
            try:
                value = function()
                with os.fdopen(write_end, "wb") as pipe:
                    pickle.dump(value, pipe, protocol=pickle.HIGHEST_PROTOCOL)  # in pieces, as the parent reads them
                status = 0
            except BaseException:  # noqa: BLE001 (any failure: the parent does the piece itself)
                pass
            finally:
                os._exit(status)
        os.close(write_end)
        self.pid, self.pipe = pid, os.fdopen(read_end, "rb")

    def result(self):
        """The child's return value once it has finished, or FAILED. It is read from the pipe as it is unpickled,
        so that its bytes are never held whole beside the objects made of them."""
        try:
            value = pickle.load(self.pipe)  # our own child's bytes, made by the function above
            rest = self.pipe.read(1)  # the child sent its whole result, and nothing more
        except Exception:  # noqa: BLE001 (a result cut short: the child failed)
            value, rest = FAILED, b""
        finally:
            self.pipe.close()
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        return FAILED if status != 0 or rest else value

    def close(self):
        """Stop the child if its result was not asked for (the caller's own piece failed), and wait for it."""
        if self.pid is None:
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.pipe.close()
        os.waitpid(self.pid, 0)
        self.pid = None
