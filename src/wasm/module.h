/* SPDX-License-Identifier: MIT */
/* The decoded module: what decode.c produces, validate.c checks, compile.c
 * translates and instance.c instantiates. Immutable once wa_module_new
 * returns, so instances on any thread share it. Private to src/wasm. */
#ifndef WACTOR_WASM_MODULE_H
#define WACTOR_WASM_MODULE_H

#include <stdatomic.h>

#include "wactor/wasm.h"

#define WA_PAGE_SIZE 65536u
#define WA_MAX_PAGES 65536u
/* Implementation bounds the binary format leaves to us (spec tests expect
 * "too many locals" etc. beyond these). */
#define WA_MAX_LOCALS 50000u
#define WA_MAX_FUNC_PARAMS 1000u
#define WA_MAX_FUNC_RESULTS 1000u

/* A constant expression (global initialisers, segment offsets, element
 * items). Only the forms the supported proposals allow. */
typedef enum wa_const_kind {
    WA_CONST_VALUE,      /* `value` (i32/i64/f32/f64 const) */
    WA_CONST_GLOBAL_GET, /* `index`: an imported global */
    WA_CONST_REF_NULL,   /* `value.type` is the reference type */
    WA_CONST_REF_FUNC,   /* `index`: function index */
} wa_const_kind;

typedef struct wa_const_expr {
    wa_const_kind kind;
    uint32_t index;
    wa_value value;
    uint32_t offset;     /* byte offset in the module, for error messages */
} wa_const_expr;

typedef struct wa_local_decl {
    uint32_t count;
    wa_valtype type;
} wa_local_decl;

/* A function defined by the module (imports have no body). */
typedef struct wa_func_def {
    uint32_t type_index;
    uint32_t nlocals;           /* declared locals, params excluded */
    uint32_t nlocal_decls;
    wa_local_decl *local_decls; /* owner: module */
    const uint8_t *body;        /* first instruction (after the locals) ... */
    const uint8_t *body_end;    /* ... up to and including the final `end` */
    uint32_t body_offset;       /* offset of `body` within the module bytes */
    void *compiled;             /* owner: module; compile.c's per-function code */
} wa_func_def;

typedef struct wa_import {
    wa_name module, name;
    wa_extern_kind kind;
    uint32_t type_index; /* FUNC */
    wa_tabletype table;  /* TABLE */
    wa_memtype memory;   /* MEMORY */
    wa_globaltype global;/* GLOBAL */
    uint32_t offset;     /* byte offset of the entry, for error messages */
} wa_import;

typedef struct wa_export {
    wa_name name;
    wa_extern_kind kind;
    uint32_t index;
    uint32_t offset;     /* byte offset of the entry, for error messages */
} wa_export;

typedef struct wa_global_def {
    wa_globaltype type;
    wa_const_expr init;
} wa_global_def;

typedef enum wa_segment_mode {
    WA_SEG_ACTIVE,
    WA_SEG_PASSIVE,
    WA_SEG_DECLARATIVE, /* element segments only */
} wa_segment_mode;

typedef struct wa_elem_segment {
    wa_segment_mode mode;
    uint32_t table_index;  /* ACTIVE */
    wa_const_expr offset;  /* ACTIVE */
    wa_valtype elem_type;  /* WA_FUNCREF or WA_EXTERNREF */
    uint32_t count;
    wa_const_expr *items;  /* owner: module; REF_FUNC / REF_NULL / GLOBAL_GET */
    uint32_t offset_in_module; /* of the entry, for error messages */
} wa_elem_segment;

typedef struct wa_data_segment {
    wa_segment_mode mode;
    uint32_t memory_index; /* ACTIVE */
    wa_const_expr offset;  /* ACTIVE */
    const uint8_t *bytes;  /* points into the module's copy of the binary */
    uint32_t len;
    uint32_t offset_in_module; /* of the entry, for error messages */
} wa_data_segment;

typedef struct wa_custom_section {
    wa_name name;
    const uint8_t *data;
    uint32_t len;
} wa_custom_section;

/* Index spaces put imports first: func index i < nfunc_imports is an import.
 * The `*_types` arrays cover the whole index space (imports + definitions). */
struct wa_module {
    atomic_uint refs;
    wa_engine *engine;
    uint64_t hash;           /* wb_hash64 of the bytes */
    uint8_t *bytes;          /* owner: module; every pointer above points in here */
    size_t len;

    uint32_t ntypes;
    wa_functype *types;      /* owner: module (params/results in `valtypes`) */
    wa_valtype *valtypes;    /* owner: module; backing store for all functypes */
    uint32_t nvaltypes;      /* capacity of `valtypes` */

    uint32_t nimports;
    wa_import *imports;

    uint32_t nfuncs;         /* imports + definitions */
    uint32_t nfunc_imports;
    uint32_t *func_type_index; /* [nfuncs] */
    wa_func_def *funcs;      /* [nfuncs - nfunc_imports] */

    uint32_t ntables, ntable_imports;
    wa_tabletype *tables;    /* [ntables] */

    uint32_t nmemories, nmemory_imports;
    wa_memtype *memories;    /* [nmemories] */

    uint32_t nglobals, nglobal_imports;
    wa_globaltype *global_types; /* [nglobals] */
    wa_global_def *globals;  /* [nglobals - nglobal_imports] */

    uint32_t nexports;
    wa_export *exports;

    bool has_start;
    uint32_t start;

    uint32_t nelems;
    wa_elem_segment *elems;

    bool has_data_count;
    uint32_t data_count;
    uint32_t ndatas;
    wa_data_segment *datas;

    uint32_t ncustoms;
    wa_custom_section *customs;

    /* Functions referenced outside function bodies (exports, elements,
     * globals): the only legal targets of ref.func in code. [nfuncs] */
    uint8_t *func_declared;

    size_t code_section_size;
    uint32_t section_offset[13]; /* content start of each section by id; 0: absent */
    size_t compiled_size;    /* set by compile.c */
    void *compiled;          /* owner: module, freed by wa__compiled_free; compile.c's wa_compiled */
};

/* Pipeline stages; each returns WB_OK or fills err. */
wb_status wa__decode(wa_module *m, wb_error *err);         /* decode.c: sections -> fields */
wb_status wa__validate(const wa_module *m, wb_error *err); /* validate.c: bodies + rules */
wb_status wa__compile(wa_module *m, wb_error *err);        /* compile.c: bodies -> internal code */
void wa__compiled_free(wa_module *m);                      /* compile.c */
void wa__module_free_decoded(wa_module *m);                /* decode.c: frees decoded arrays */

#endif
