%% SPDX-License-Identifier: MIT
%% Send to a named process: N sends to a registered name (the name is looked
%% up on every send); ns per message until the receiver has all N.
-module(named).
-export([main/1]).

main(Args) ->
    N = bench_util:arg(Args, 1, 2000000),
    Ns = bench_util:best(3, fun() -> run_once(N) end),
    bench_util:report("named_send", Ns / N, "ns").

run_once(N) ->
    Self = self(),
    Pid = spawn(fun() -> consume(N, Self) end),
    register(bench_sink, Pid),
    T0 = bench_util:now_ns(),
    send(N),
    receive done -> ok end,
    T1 = bench_util:now_ns(),
    T1 - T0.

send(0) -> ok;
send(K) -> bench_sink ! {msg, K}, send(K - 1).

consume(0, Parent) -> Parent ! done;
consume(K, Parent) -> receive {msg, _} -> consume(K - 1, Parent) end.
