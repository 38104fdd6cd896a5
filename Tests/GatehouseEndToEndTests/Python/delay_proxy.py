#!/usr/bin/env python3
"""A TCP proxy on 127.0.0.1 that delays every answer from the server: each round trip to the
database behind it takes DELAY_MS longer, as a database on another continent does.

    delay_proxy.py TARGET_PORT DELAY_MS

Prints "listening on PORT" (an ephemeral port) once it accepts connections, then runs until
killed. Bytes keep their order; the client's bytes go through at once.
"""
import asyncio
import sys
import time


async def pipe(reader, writer, delay):
    """Copies reader to writer; with a delay, each chunk leaves `delay` seconds after it came."""
    queue = asyncio.Queue()

    async def pump():
        while True:
            due, data = await queue.get()
            if data is None:
                break
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()

    sender = asyncio.ensure_future(pump())
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            await queue.put((time.monotonic() + delay, data))
    except (ConnectionError, OSError):
        pass
    await queue.put((0, None))
    try:
        await sender
    except (ConnectionError, OSError):
        pass
    try:
        writer.close()
    except Exception:
        pass


async def main():
    target_port = int(sys.argv[1])
    delay = int(sys.argv[2]) / 1000.0

    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target_port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pipe(client_reader, server_writer, 0), pipe(server_reader, client_writer, delay))

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(f"listening on {port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
