%% SPDX-License-Identifier: MIT
%% Memory per idle process: spawn N processes blocked in receive; the growth
%% of the VM's total memory divided by N (bytes per process).
-module(idle_mem).
-export([main/1]).

main(Args) ->
    N = bench_util:arg(Args, 1, 100000),
    erlang:garbage_collect(),
    Before = erlang:memory(total),
    Pids = [spawn(fun idle/0) || _ <- lists:seq(1, N)],
    After = erlang:memory(total),
    bench_util:report("idle_bytes", (After - Before) / N, "B"),
    [P ! stop || P <- Pids],
    ok.

idle() -> receive stop -> ok end.
