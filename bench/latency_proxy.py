"""A TCP proxy that delivers every byte a fixed time after it arrived, in each direction: a network
between the service and its database where both run on one machine, to measure what a round trip
costs a request (ADR 0090). Order is kept; a chunk is held until its time, not for its turn.

    python3 bench/latency_proxy.py LISTEN_PORT TARGET_PORT DELAY_MS [SECONDS]

Listens on 127.0.0.1:LISTEN_PORT, forwards to 127.0.0.1:TARGET_PORT, and stops after SECONDS
(600 by default), so a forgotten proxy does not outlive its benchmark. The event loop's timers
wait whole milliseconds and the proxy's own work adds to them, so measure the round trip it makes
(pgbench of SELECT 1 through it): 0.5 ms each way made 2.4 ms at one client here
(bench/results/2026-12-07-kept-sums-ride.md, section 3).
"""

import asyncio
import sys
import time


async def pump(reader, writer, delay):
    """Copies reader to writer, each chunk written delay seconds after it was read."""
    queue = asyncio.Queue()

    async def deliver():
        while True:
            due, data = await queue.get()
            if data is None:
                break
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        writer.close()

    delivering = asyncio.create_task(deliver())
    try:
        while data := await reader.read(65536):
            queue.put_nowait((time.monotonic() + delay, data))
    except ConnectionError:
        pass
    queue.put_nowait((0, None))
    await delivering


async def main(listen_port, target_port, delay, seconds):
    async def connect(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target_port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(
            pump(client_reader, server_writer, delay),
            pump(server_reader, client_writer, delay),
            return_exceptions=True)

    server = await asyncio.start_server(connect, "127.0.0.1", listen_port)
    async with server:
        await asyncio.sleep(seconds)


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]) / 1000,
                     float(sys.argv[4]) if len(sys.argv) == 5 else 600))
