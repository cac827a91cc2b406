// SPDX-License-Identifier: MIT
// Engine workload: integer mix of a linked list walk, a bytecode-style switch
// and a table-driven CRC-32, i.e. pointer chasing, branches and indirect jumps.
#include <stdint.h>
#include <stdio.h>

#define NODES 4096
#define PROG_LEN 256

typedef struct node {
    struct node *next;
    uint32_t value;
} node;

static node nodes[NODES];
static uint8_t prog[PROG_LEN];
static uint32_t crc_table[256];
static volatile uint32_t bench_rounds = 13000;

static void crc_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc32_bytes(uint32_t crc, const uint8_t *p, uint32_t n) {
    crc = ~crc;
    for (uint32_t i = 0; i < n; i++) crc = crc_table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

// Links the nodes in a pseudo-random cycle so the walk defeats prefetching.
static void list_init(void) {
    uint32_t x = 12345;
    for (uint32_t i = 0; i < NODES; i++) nodes[i].value = i;
    for (uint32_t i = NODES - 1; i > 0; i--) {
        x = x * 1103515245u + 12345u;
        uint32_t j = (x >> 8) % (i + 1), t = nodes[i].value;
        nodes[i].value = nodes[j].value;
        nodes[j].value = t;
    }
    for (uint32_t i = 0; i < NODES; i++) nodes[nodes[i].value].next = &nodes[nodes[(i + 1) % NODES].value];
}

static uint32_t list_walk(uint32_t steps) {
    const node *n = &nodes[0];
    uint32_t acc = 0;
    for (uint32_t i = 0; i < steps; i++) {
        acc += n->value ^ i;
        n = n->next;
    }
    return acc;
}

// A tiny stack-free accumulator machine: a switch over opcode bytes.
static uint32_t vm_run(const uint8_t *code, uint32_t len, uint32_t a) {
    uint32_t b = 1;
    for (uint32_t pc = 0; pc < len; pc++) {
        switch (code[pc] & 7) {
        case 0: a += b; break;
        case 1: a ^= a << 3; break;
        case 2: b = b * 3 + 1; break;
        case 3: a -= b >> 2; break;
        case 4: a = (a >> 5) | (a << 27); break;
        case 5: b ^= a; break;
        case 6: if (a & 1) pc++; break;
        default: a *= 2654435761u; break;
        }
    }
    return a ^ b;
}

uint32_t bench_run(void);
uint32_t bench_run(void) {
    crc_init();
    list_init();
    for (uint32_t i = 0; i < PROG_LEN; i++) prog[i] = (uint8_t)(i * 37 + 11);
    uint32_t acc = 0;
    for (uint32_t r = 0; r < bench_rounds; r++) {
        acc += list_walk(NODES);
        acc = vm_run(prog, PROG_LEN, acc);
        prog[r % PROG_LEN] ^= (uint8_t)acc;
        acc ^= crc32_bytes(acc, prog, PROG_LEN);
        acc ^= crc32_bytes(acc, (const uint8_t *)crc_table, 1024);
    }
    return acc;
}

#ifndef BENCH_NO_MAIN
int main(void) {
    printf("%u\n", bench_run());
    return 0;
}
#endif
