"""`serve --workers N`: each wake-up accepts one connection (so the workers take turns), and every
connection of a burst is still accepted and answered."""
import asyncio

from autointel.api.fair_accept import accept_one_at_a_time


def test_a_burst_of_connections_is_accepted_one_per_wake_up():
    async def main():
        loop = asyncio.get_running_loop()
        original = loop._accept_connection
        backlogs = []

        def spy(protocol_factory, sock, sslcontext=None, server=None, backlog=100, *args, **kwargs):
            backlogs.append(backlog)
            return original(protocol_factory, sock, sslcontext, server, backlog, *args, **kwargs)

        loop._accept_connection = spy
        assert accept_one_at_a_time() is True
        assert accept_one_at_a_time() is False  # installed once

        async def echo(reader, writer):
            writer.write(await reader.readline())
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(echo, "127.0.0.1", 0, backlog=64)
        port = server.sockets[0].getsockname()[1]

        async def client(n):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(f"{n}\n".encode())
            await writer.drain()
            line = await reader.readline()
            writer.close()
            return line

        answers = await asyncio.gather(*(client(n) for n in range(20)))
        server.close()
        await server.wait_closed()
        return answers, backlogs

    answers, backlogs = asyncio.run(main())
    assert sorted(answers) == sorted(f"{n}\n".encode() for n in range(20))
    assert backlogs and set(backlogs) == {1}


def test_outside_a_running_loop_nothing_is_changed():
    assert accept_one_at_a_time() is False
