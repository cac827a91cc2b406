%% SPDX-License-Identifier: MIT
%% Ring: R processes each forwarding to the next, the last to the first; one
%% token makes R*M hops. ns per hop (building the ring is not timed).
-module(ring).
-export([main/1]).

main(Args) ->
    R = bench_util:arg(Args, 1, 10000),
    M = bench_util:arg(Args, 2, 100),
    Ns = bench_util:best(3, fun() -> run_once(R, M) end),
    bench_util:report("ring_hop", Ns / (R * M), "ns").

run_once(R, M) ->
    Self = self(),
    Pids = [spawn(fun() -> receive {next, N} -> node(N, Self) end end) || _ <- lists:seq(1, R)],
    [First | Rest] = Pids,
    lists:foreach(fun({P, N}) -> P ! {next, N} end, lists:zip(Pids, Rest ++ [First])),
    T0 = bench_util:now_ns(),
    First ! {token, R * M},
    receive finished -> ok end,
    T1 = bench_util:now_ns(),
    [P ! stop || P <- Pids],
    T1 - T0.

%% The node that receives the last hop tells the bench process.
node(Next, Bench) ->
    receive
        {token, 1} -> Bench ! finished, node(Next, Bench);
        {token, K} -> Next ! {token, K - 1}, node(Next, Bench);
        stop -> ok
    end.
