%% SPDX-License-Identifier: MIT
%% Throughput: P producers each send N/P messages to one consumer as fast as
%% they can; messages per second until the consumer has received all N.
-module(throughput).
-export([main/1]).

main(Args) ->
    P = bench_util:arg(Args, 1, 1),
    N = bench_util:arg(Args, 2, 2000000),
    Ns = bench_util:best(3, fun() -> run_once(P, N - N rem P) end),
    bench_util:report(io_lib:format("throughput_~bto1", [P]), (N - N rem P) * 1.0e9 / Ns, "msg/s").

run_once(P, N) ->
    Self = self(),
    Consumer = spawn(fun() -> consume(N, Self) end),
    T0 = bench_util:now_ns(),
    [spawn(fun() -> produce(Consumer, N div P) end) || _ <- lists:seq(1, P)],
    receive done -> bench_util:now_ns() - T0 end.

produce(_, 0) -> ok;
produce(C, K) -> C ! {msg, K}, produce(C, K - 1).

consume(0, Parent) -> Parent ! done;
consume(K, Parent) -> receive {msg, _} -> consume(K - 1, Parent) end.
