/* SPDX-License-Identifier: MIT */
/* Demo worker: answers a job request with a computed result (JSON). */
#include "demo.h"

static int64_t done;

WACTOR_EXPORT("handle_message")
int32_t handle_message(int64_t sender, int32_t kind, int64_t corr, int32_t len) {
    int32_t blen = 0;
    const char *body = demo_read(len, &blen);
    int64_t job = json_int(body, blen, "job"), n = json_int(body, blen, "n");
    if (job < 0 || n < 0) {
        wactor_set_reason("bad job", 7);
        return 1;
    }
    uint64_t acc = 0;
    for (int64_t i = 0; i < n; i++) acc = acc * 31 + (uint64_t)(i * i);
    done++;
    text t = {0};
    t_str(&t, "{\"job\": ");
    t_int(&t, job);
    t_str(&t, ", \"result\": ");
    t_int(&t, (int64_t)(acc % 1000000));
    t_str(&t, ", \"by\": ");
    t_int(&t, wactor_self());
    t_str(&t, "}");
    uint8_t p[300];
    int32_t pn = demo_payload(WACTOR_CODEC_JSON, &t, p, sizeof p);
    return kind == WACTOR_KIND_REQUEST ? wactor_reply(corr, p, pn) < 0 : 0;
}
