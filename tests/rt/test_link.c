/* SPDX-License-Identifier: MIT */
/* Links, monitors, exit reasons, trap-exit and kill. */
// ctest-label: concurrency
#include "rt/rt_test.h"

enum { CMD_LINK = 1, CMD_MONITOR, CMD_TRAP, CMD_CRASH, CMD_UNLINK, CMD_NORMAL };

static wr_turn cmd_handle(wr_ctx *ctx, const wr_msg *m) {
    probe *p = *(probe **)wr_ctx_state(ctx);
    wr_id other = 0;
    if (m->kind == WR_MSG_USER && m->len == sizeof other) memcpy(&other, m->data, sizeof other);
    if (m->kind != WR_MSG_USER) {
        probe_record(p, m);
        return WR_OK;
    }
    switch (m->tag) {
    case CMD_LINK: assert_int_equal(wr_ctx_link(ctx, other, NULL), WB_OK); break;
    case CMD_MONITOR: assert_int_equal(wr_ctx_monitor(ctx, other, NULL, NULL), WB_OK); break;
    case CMD_TRAP: wr_ctx_trap_exit(ctx, true); break;
    case CMD_CRASH: wr_ctx_exit(ctx, WR_EXIT_ERROR, "boom"); break;
    case CMD_UNLINK: wr_ctx_unlink(ctx, other); break;
    case CMD_NORMAL: wr_ctx_exit(ctx, WR_EXIT_NORMAL, NULL); break;
    default: probe_record(p, m); break;
    }
    return WR_OK;
}

static const wr_actor_spec cmd_spec = {.init = probe_start, .handle = cmd_handle,
                                       .terminate = probe_terminate, .state_size = sizeof(probe *)};

static wr_id start(wr_system *sys, probe *p) {
    probe_init(p);
    wr_id id;
    assert_int_equal(wr_spawn(sys, &cmd_spec, p, &id, NULL), WB_OK);
    return id;
}

static void cmd(wr_system *sys, wr_id to, uint32_t tag, wr_id arg) {
    assert_int_equal(wr_send(sys, to, tag, &arg, sizeof arg, NULL), WB_OK);
}

/* Sync point: a probe has handled everything sent before this marker. */
static void sync_with(wr_system *sys, wr_id to, probe *p) {
    size_t before = atomic_load(&p->n);
    assert_int_equal(wr_send(sys, to, 99, NULL, 0, NULL), WB_OK);
    assert_true(WAIT_UNTIL(atomic_load(&p->n) > before, 5000 * MS));
}

static void links_propagate_monitors_do_not_kill(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    probe pa, pb, pc;
    wr_id a = start(sys, &pa), b = start(sys, &pb), c = start(sys, &pc);
    cmd(sys, a, CMD_LINK, b);
    cmd(sys, c, CMD_MONITOR, b);
    sync_with(sys, a, &pa);
    sync_with(sys, c, &pc);
    cmd(sys, b, CMD_CRASH, 0);
    assert_true(WAIT_UNTIL(atomic_load(&pa.terminated), 5000 * MS));
    assert_int_equal(atomic_load(&pa.term_kind), WR_EXIT_ERROR);
    assert_int_equal(atomic_load(&pb.term_kind), WR_EXIT_ERROR);
    assert_true(WAIT_UNTIL(probe_count_kind(&pc, WR_MSG_DOWN) == 1, 5000 * MS));
    size_t i = atomic_load(&pc.n) - 1;
    assert_int_equal(pc.recs[i].from, b);
    assert_int_equal(pc.recs[i].tag, WR_EXIT_ERROR);
    assert_string_equal(pc.recs[i].text, "boom");
    assert_true(wr_alive(sys, c));
    assert_false(atomic_load(&pc.terminated));
    wr_system_free(sys);
}

static void normal_exit_does_not_propagate(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    probe pa, pb;
    wr_id a = start(sys, &pa), b = start(sys, &pb);
    cmd(sys, a, CMD_LINK, b);
    sync_with(sys, a, &pa);
    cmd(sys, b, CMD_NORMAL, 0);
    assert_true(WAIT_UNTIL(atomic_load(&pb.terminated), 5000 * MS));
    sync_with(sys, a, &pa);
    assert_true(wr_alive(sys, a));
    wr_system_free(sys);
}

static void trap_exit_turns_signal_into_message(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    probe pa, pb;
    wr_id a = start(sys, &pa), b = start(sys, &pb);
    cmd(sys, a, CMD_TRAP, 0);
    cmd(sys, a, CMD_LINK, b);
    sync_with(sys, a, &pa);
    cmd(sys, b, CMD_CRASH, 0);
    assert_true(WAIT_UNTIL(probe_count_kind(&pa, WR_MSG_EXIT) == 1, 5000 * MS));
    size_t i = atomic_load(&pa.n) - 1;
    assert_int_equal(pa.recs[i].from, b);
    assert_int_equal(pa.recs[i].tag, WR_EXIT_ERROR);
    assert_string_equal(pa.recs[i].text, "boom");
    assert_true(wr_alive(sys, a));
    /* kill cannot be trapped */
    assert_int_equal(wr_exit(sys, 0, a, WR_EXIT_KILLED, NULL, NULL), WB_OK);
    assert_true(WAIT_UNTIL(atomic_load(&pa.terminated), 5000 * MS));
    assert_int_equal(atomic_load(&pa.term_kind), WR_EXIT_KILLED);
    wr_system_free(sys);
}

static void unlink_stops_propagation(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    probe pa, pb;
    wr_id a = start(sys, &pa), b = start(sys, &pb);
    cmd(sys, a, CMD_LINK, b);
    cmd(sys, a, CMD_UNLINK, b);
    sync_with(sys, a, &pa);
    sync_with(sys, b, &pb);
    cmd(sys, b, CMD_CRASH, 0);
    assert_true(WAIT_UNTIL(atomic_load(&pb.terminated), 5000 * MS));
    sync_with(sys, a, &pa);
    assert_true(wr_alive(sys, a));
    wr_system_free(sys);
}

static void monitor_dead_gets_noproc(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    probe pa, pb;
    wr_id a = start(sys, &pa), b = start(sys, &pb);
    cmd(sys, b, CMD_NORMAL, 0);
    assert_true(WAIT_UNTIL(!wr_alive(sys, b), 5000 * MS));
    cmd(sys, a, CMD_MONITOR, b);
    assert_true(WAIT_UNTIL(probe_count_kind(&pa, WR_MSG_DOWN) == 1, 5000 * MS));
    assert_int_equal(pa.recs[0].tag, WR_EXIT_NOPROC);
    wr_system_free(sys);
}

/* Exit signals from outside: shutdown kills a non-trapping actor. */
static void exit_signal_from_outside(void **state) {
    (void)state;
    wr_system *sys = test_system(2);
    probe pa;
    wr_id a = start(sys, &pa);
    assert_int_equal(wr_exit(sys, 0, a, WR_EXIT_NORMAL, NULL, NULL), WB_OK);
    sync_with(sys, a, &pa);
    assert_true(wr_alive(sys, a)); /* normal is ignored */
    assert_int_equal(wr_exit(sys, 0, a, WR_EXIT_ERROR, "stop it", NULL), WB_OK);
    assert_true(WAIT_UNTIL(atomic_load(&pa.terminated), 5000 * MS));
    assert_int_equal(atomic_load(&pa.term_kind), WR_EXIT_ERROR);
    wr_system_free(sys);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(links_propagate_monitors_do_not_kill),
        cmocka_unit_test(normal_exit_does_not_propagate),
        cmocka_unit_test(trap_exit_turns_signal_into_message),
        cmocka_unit_test(unlink_stops_propagation),
        cmocka_unit_test(monitor_dead_gets_noproc),
        cmocka_unit_test(exit_signal_from_outside),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
