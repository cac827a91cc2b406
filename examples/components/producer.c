/* SPDX-License-Identifier: MIT */
/* Demo producer: on every "tick" it asks the next worker of the pool for a
 * job (request/response: the component waits, its worker thread does not),
 * forwards the result to the aggregator and publishes progress. */
#include "demo.h"

static int64_t jobs, failed;

WACTOR_EXPORT("init") int32_t init(void) {
    /* Not granted in app.yaml: refused, and the operator sees a "denied" event. */
    if (wactor_lookup_str("runaway") == WACTOR_DENIED) wactor_log_str(2, "as expected, no access to runaway");
    return 0;
}

static int32_t next_job(void) {
    static const char *const pool[] = {"worker.0", "worker.1", "worker.2"};
    int64_t w = wactor_lookup_str(pool[jobs % 3]);
    text req = {0};
    t_str(&req, "{\"job\": ");
    t_int(&req, jobs);
    t_str(&req, ", \"n\": 30000}");
    uint8_t p[300], reply[300];
    int32_t n = demo_payload(WACTOR_CODEC_JSON, &req, p, sizeof p);
    int64_t t0 = wactor_now_ns();
    int32_t r = w < 0 ? (int32_t)w : wactor_request(w, p, n, reply, sizeof reply, 500);
    int64_t waited_us = (wactor_now_ns() - t0) / 1000;
    jobs++;
    if (r < 0) {
        failed++;
        text t = {0};
        t_str(&t, "job ");
        t_int(&t, jobs - 1);
        t_str(&t, " failed: error ");
        t_int(&t, r);
        demo_log(&t);
        return 0;
    }
    int64_t agg = wactor_lookup_str("aggregator");
    if (agg > 0) wactor_send(agg, reply, r < (int32_t)sizeof reply ? r : (int32_t)sizeof reply);
    if (jobs % 100 == 0) {
        text t = {0};
        t_str(&t, "request/response: ");
        t_int(&t, jobs);
        t_str(&t, " jobs answered by the worker pool (");
        t_int(&t, failed);
        t_str(&t, " failed), the last in ");
        t_int(&t, waited_us);
        t_str(&t, " us");
        demo_log(&t);
    }
    if (jobs % 10 == 0) {
        text m = {0};
        t_str(&m, "{\"produced\": ");
        t_int(&m, jobs);
        t_str(&m, "}");
        n = demo_payload(WACTOR_CODEC_JSON, &m, p, sizeof p);
        wactor_publish("metrics.producer", 16, p, n);
    }
    return 0;
}

WACTOR_EXPORT("handle_message")
int32_t handle_message(int64_t sender, int32_t kind, int64_t corr, int32_t len) {
    return next_job();
}

WACTOR_EXPORT("health") int32_t health(void) {
    return failed > jobs / 2 && jobs > 10 ? WACTOR_DEGRADED : WACTOR_HEALTHY;
}
