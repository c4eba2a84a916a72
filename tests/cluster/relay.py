"""A TCP relay, run as a process of its own in the host's namespace: it lets the cluster test's
hosts (network namespaces, tests/cluster/hosts.py) reach PostgreSQL and Redis, which listen on
the host's loopback only, without touching those services' configuration.

    python tests/cluster/relay.py LISTEN_HOST:PORT=TARGET_HOST:PORT ...

It prints "ready" once every listener is bound, then relays until it is killed."""

import asyncio
import sys


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


def relay_to(host: str, port: int):
    async def handle(reader, writer):
        try:
            target_reader, target_writer = await asyncio.open_connection(host, port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(pipe(reader, target_writer), pipe(target_reader, writer))

    return handle


def address(text: str) -> tuple[str, int]:
    host, port = text.rsplit(":", 1)
    return host, int(port)


async def main(pairs: list[str]):
    servers = []
    for pair in pairs:
        listen, target = (address(side) for side in pair.split("="))
        servers.append(await asyncio.start_server(relay_to(*target), *listen))
    print("ready", flush=True)
    await asyncio.gather(*(server.serve_forever() for server in servers))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
