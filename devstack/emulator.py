"""The embedded AWS emulator: moto in server mode on 127.0.0.1:4566."""

from __future__ import annotations

import logging
import socket
import threading
import urllib.request

from moto.server import ThreadedMotoServer

from devstack import moto_patches


class PortBusy(RuntimeError):
    pass


def ensure_free(host: str, port: int, what: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            raise PortBusy(
                f"{host}:{port} is in use: is another `make run` still running? ({what})"
            ) from None


class Emulator:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        moto_patches.apply()
        self._server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        ensure_free(self.host, self.port, "AWS emulator")
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per emulated AWS call is noise
        self._server.start()
        # moto answers its own dashboard once the server thread is serving
        urllib.request.urlopen(f"{self.endpoint}/moto-api/", timeout=10).close()  # noqa: S310

    def alive(self) -> bool:
        thread = self._server._thread
        return thread is not None and thread.is_alive()

    def stop(self, timeout: float) -> None:
        """Stop serving; a request still being answered after `timeout` seconds goes with the process."""
        stopping = threading.Thread(target=self._server.stop, daemon=True)
        stopping.start()
        stopping.join(timeout)
