%% SPDX-License-Identifier: MIT
%% Spawn + exit: spawn N processes that each tell the parent they started and
%% exit normally; ns per process until the parent has heard from all.
-module(spawn).
-export([main/1]).

main(Args) ->
    N = bench_util:arg(Args, 1, 100000),
    %% Best of 5: spawning 100k processes at once varies a lot run to run.
    Ns = bench_util:best(5, fun() -> run_once(N) end),
    bench_util:report("spawn_exit", Ns / N, "ns").

run_once(N) ->
    Self = self(),
    T0 = bench_util:now_ns(),
    spawn_n(Self, N),
    wait(N),
    bench_util:now_ns() - T0.

spawn_n(_, 0) -> ok;
spawn_n(Parent, N) ->
    spawn(fun() -> Parent ! started end),
    spawn_n(Parent, N - 1).

wait(0) -> ok;
wait(N) -> receive started -> wait(N - 1) end.
