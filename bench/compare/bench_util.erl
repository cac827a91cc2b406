%% SPDX-License-Identifier: MIT
%% Shared by the Erlang/OTP comparison benchmarks: argument parsing, timing
%% and the one-line result format "name value unit" that run.sh reads.
-module(bench_util).
-export([arg/3, best/2, report/3, now_ns/0]).

%% The Nth argument of `-s Module main A1 A2 ...` as an integer, or Default.
arg(Args, N, _Default) when length(Args) >= N ->
    list_to_integer(atom_to_list(lists:nth(N, Args)));
arg(_, _, Default) ->
    Default.

now_ns() -> erlang:monotonic_time(nanosecond).

%% Runs Fun() Runs times; Fun returns a number, the smallest is kept.
best(Runs, Fun) ->
    lists:min([Fun() || _ <- lists:seq(1, Runs)]).

report(Name, Value, Unit) ->
    io:format("~s ~.1f ~s~n", [Name, float(Value), Unit]).
