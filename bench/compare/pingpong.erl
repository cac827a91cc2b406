%% SPDX-License-Identifier: MIT
%% Ping-pong: two processes bounce one message N times; ns per round trip.
-module(pingpong).
-export([main/1]).

main(Args) ->
    N = bench_util:arg(Args, 1, 1000000),
    Ns = bench_util:best(3, fun() -> run_once(N) end),
    bench_util:report("pingpong_rtt", Ns / N, "ns").

run_once(N) ->
    Pong = spawn(fun pong/0),
    T0 = bench_util:now_ns(),
    ping(Pong, N),
    T1 = bench_util:now_ns(),
    Pong ! stop,
    T1 - T0.

ping(_, 0) -> ok;
ping(Pong, N) ->
    Pong ! {ping, self()},
    receive pong -> ping(Pong, N - 1) end.

pong() ->
    receive
        {ping, From} -> From ! pong, pong();
        stop -> ok
    end.
