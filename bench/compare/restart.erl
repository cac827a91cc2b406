%% SPDX-License-Identifier: MIT
%% Supervisor restart latency: a one_for_one supervisor with one permanent
%% worker; the bench crashes the worker and times until a new instance of it
%% answers a call. ns per crash -> answering again, mean over N restarts.
%%   restart main [N] [BLOCK]   prints "restart <ns> ns" (best of 3)
%% BLOCK 0 (default), the high-rate case: one supervisor for all 3 rounds of
%%   N restarts, intensity 4N per second so it never trips; OTP keeps the
%%   restarts of the last period in a list walked on every restart, so the
%%   cost per restart grows with the rate (thousands in the list here).
%% BLOCK B, the ordinary case: a fresh supervisor (intensity B per second)
%%   for every B restarts, stopped and gone before the next one starts; only
%%   the restarts are timed. bench/rt/restart.c takes the same arguments.
-module(restart).
-behaviour(supervisor).
-export([main/1, init/1, start_worker/0, worker/0]).

main(Args) ->
    N = bench_util:arg(Args, 1, 20000),
    Block = bench_util:arg(Args, 2, 0),
    process_flag(trap_exit, true),
    %% No crash reports: logging them would dominate the restart time.
    logger:set_primary_config(level, none),
    case Block of
        0 ->
            %% Intensity high enough that the 3 rounds of N restarts never trip it.
            {ok, Sup} = supervisor:start_link(?MODULE, N * 4),
            Ns = bench_util:best(3, fun() -> run_once(N) end),
            bench_util:report("restart", Ns / N, "ns"),
            exit(Sup, shutdown);
        _ ->
            Ns = bench_util:best(3, fun() -> run_blocks(N, Block, 0) end),
            bench_util:report("restart_block", Ns / N, "ns")
    end.

init(Max) ->
    Child = #{id => worker, start => {?MODULE, start_worker, []}, restart => permanent,
              shutdown => brutal_kill, type => worker},
    {ok, {#{strategy => one_for_one, intensity => Max, period => 1}, [Child]}}.

start_worker() ->
    Pid = spawn_link(fun worker/0),
    register(bench_worker, Pid),
    {ok, Pid}.

worker() ->
    receive
        {ping, From} -> From ! pong, worker();
        crash -> exit(crashed)
    end.

run_once(N) ->
    ping(undefined),
    T0 = bench_util:now_ns(),
    crash_n(N),
    bench_util:now_ns() - T0.

crash_n(0) -> ok;
crash_n(K) ->
    Old = whereis(bench_worker),
    Ref = monitor(process, Old),
    Old ! crash,
    receive {'DOWN', Ref, process, Old, _} -> ok end,
    ping(Old),
    crash_n(K - 1).

%% Pings the registered worker until an instance other than Old answers (the
%% name is free while the supervisor restarts it).
ping(Old) ->
    case whereis(bench_worker) of
        Pid when Pid =:= undefined; Pid =:= Old -> erlang:yield(), ping(Old);
        Pid ->
            Pid ! {ping, self()},
            receive pong -> ok after 1000 -> ping(Old) end
    end.

%% N restarts in blocks of at most Block, each under a supervisor of its
%% own; returns the ns the restarts took, the supervisors' starts and stops
%% left out.
run_blocks(0, _, Ns) -> Ns;
run_blocks(Left, Block, Ns) ->
    K = min(Left, Block),
    {ok, Sup} = supervisor:start_link(?MODULE, Block),
    T = run_once(K),
    Ref = monitor(process, Sup),
    unlink(Sup),
    exit(Sup, shutdown),
    receive {'DOWN', Ref, process, Sup, _} -> ok end,
    run_blocks(Left - K, Block, Ns + T).
