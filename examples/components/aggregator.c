/* SPDX-License-Identifier: MIT */
/* Demo aggregator: sums the results it is sent and counts the metrics
 * published on "metrics.#" (pub/sub). */
#include "demo.h"

static int64_t results, sum, events;

WACTOR_EXPORT("init") int32_t init(void) { return wactor_subscribe("metrics.#", 9) == 0 ? 0 : 1; }

WACTOR_EXPORT("handle_message")
int32_t handle_message(int64_t sender, int32_t kind, int64_t corr, int32_t len) {
    if (kind == WACTOR_KIND_EVENT) {
        events++;
        return 0;
    }
    int32_t blen = 0;
    const char *body = demo_read(len, &blen);
    int64_t r = json_int(body, blen, "result");
    if (r < 0) return 2;
    results++;
    sum += r;
    if (results % 50 == 0) {
        text t = {0};
        t_str(&t, "aggregated ");
        t_int(&t, results);
        t_str(&t, " results, sum ");
        t_int(&t, sum);
        t_str(&t, ", ");
        t_int(&t, events);
        t_str(&t, " metric events");
        demo_log(&t);
    }
    return 0;
}

WACTOR_EXPORT("cleanup") void cleanup(void) {
    text t = {0};
    t_str(&t, "cleanup: final count ");
    t_int(&t, results);
    demo_log(&t);
}
