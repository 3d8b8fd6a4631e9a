// C identifiers and literals for generated code. Every name that comes from the user (functions,
// buffers, variables, packed-callee names) goes through `sanitize` and a NameSupply before it
// reaches the C source, and every user string (error messages, packed-function names) becomes an
// escaped string literal, so nothing a user names can inject C: "x; system(...)" becomes the
// identifier `x__system_____`, a keyword gets a suffix, and identifiers reserved to the
// implementation (leading `__` or `_X`) or used by the generated code itself are never produced.

/** C keywords (C89 to C23) and the identifiers of <stdint.h> and the generated prelude. */
const RESERVED = new Set([
  "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum",
  "extern", "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return",
  "short", "signed", "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void",
  "volatile", "while", "bool", "true", "false", "alignas", "alignof", "nullptr", "static_assert",
  "thread_local", "typeof", "typeof_unqual", "constexpr", "asm", "fortran", "main", "NULL",
  "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t",
  "intptr_t", "uintptr_t", "intmax_t", "uintmax_t", "size_t", "ptrdiff_t", "wchar_t",
  "int_least8_t", "int_least16_t", "int_least32_t", "int_least64_t", "uint_least8_t",
  "uint_least16_t", "uint_least32_t", "uint_least64_t", "int_fast8_t", "int_fast16_t",
  "int_fast32_t", "int_fast64_t", "uint_fast8_t", "uint_fast16_t", "uint_fast32_t", "uint_fast64_t",
  "INT8_C", "INT16_C", "INT32_C", "INT64_C", "UINT8_C", "UINT16_C", "UINT32_C", "UINT64_C",
  "INTMAX_C", "UINTMAX_C", "WCHAR_MIN", "WCHAR_MAX", "WINT_MIN", "WINT_MAX", "SIZE_MAX",
  "PTRDIFF_MIN", "PTRDIFF_MAX", "SIG_ATOMIC_MIN", "SIG_ATOMIC_MAX",
  "DLTensor", "DLDevice", "DLDataType", "TVMValue", "TVMParallelGroupEnv", "FTVMParallelLambda",
]);

/** Names the C library defines that an exported function must not take (it would interpose them). */
const LIBC_SYMBOLS = new Set([
  "malloc", "calloc", "realloc", "free", "aligned_alloc", "posix_memalign", "memcpy", "memmove",
  "memset", "memcmp", "strlen", "strcmp", "abort", "exit", "atexit", "printf", "fprintf", "sprintf",
  "snprintf", "puts", "system", "environ", "errno", "dlopen", "dlsym", "dlclose", "pthread_create",
]);
const LIBM_BASE = [
  "exp", "exp2", "exp10", "expm1", "log", "log2", "log10", "log1p", "sqrt", "cbrt", "tanh", "sin",
  "cos", "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "asinh", "acosh", "atanh", "erf",
  "erfc", "floor", "ceil", "trunc", "round", "nearbyint", "rint", "fabs", "pow", "fmod", "hypot",
  "copysign", "ldexp", "fmin", "fmax", "lround", "llround", "nan", "frexp", "modf",
];
export const LIBM_FUNCTIONS: ReadonlySet<string> = new Set(LIBM_BASE.flatMap((n) => [n, `${n}f`, `${n}l`]));
/** The libm functions generated code may call (float and double versions of value functions). */
export const CALLABLE_LIBM: ReadonlySet<string> = new Set(
  LIBM_BASE.filter((n) => !["nan", "frexp", "modf", "lround", "llround", "ldexp"].includes(n)).flatMap((n) => [n, `${n}f`]),
);
for (const n of LIBM_FUNCTIONS) LIBC_SYMBOLS.add(n);

/** Vector typedef names the generated code may declare (float32x8, int32x4_u, float32x8_a, …). */
const VECTOR_TYPE = /^(u?int|float)\d+x\d+(_u|_a)?$/;

/** True when `name` is a valid C identifier. */
export function isCIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/** True when the generated code may not use `name` for a user's variable or function. */
export function isReserved(name: string): boolean {
  return RESERVED.has(name) || LIBM_FUNCTIONS.has(name) || VECTOR_TYPE.test(name) || name.startsWith("__") || /^_[A-Z]/.test(name);
}

/** True when an exported function may be named `name` exactly (its ELF symbol). */
export function isExportableSymbol(name: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_]*$/.test(name) && !LIBC_SYMBOLS.has(name) && !(RESERVED.has(name) && name !== "main") && !VECTOR_TYPE.test(name);
}

/** A valid C identifier made from `name` (not yet unique, possibly reserved). */
export function sanitize(name: string): string {
  let s = name.replace(/[^A-Za-z0-9_]/g, "_");
  // "" and "_" get a letter: "_" would make the NameSupply's suffixed names ("__1", "__2", ...)
  // reserved forever, and a second "_" could never be named.
  if (s === "" || s === "_") s = `v${s}`;
  if (/^[0-9]/.test(s)) s = `v${s}`;
  if (s.startsWith("__") || /^_[A-Z]/.test(s)) s = `v${s}`;
  if (s.length > 64) s = s.slice(0, 64);
  return s;
}

/** Hands out unique, non-reserved identifiers; `parent` names are taken too. */
export class NameSupply {
  private readonly used = new Set<string>();

  constructor(private readonly parent?: NameSupply) {}

  has(name: string): boolean {
    return this.used.has(name) || (this.parent?.has(name) ?? false);
  }

  /** Marks `name` as taken (for names the generator creates itself). */
  reserve(name: string): string {
    this.used.add(name);
    return name;
  }

  /** A fresh identifier based on `hint`. */
  fresh(hint: string): string {
    const base = sanitize(hint);
    let name = base;
    for (let i = 1; isReserved(name) || this.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }
}

/** A C string literal for `s` (UTF-8; quotes, backslashes, `?` and non-printable bytes in octal). */
export function cString(s: string): string {
  let out = '"';
  for (const b of Buffer.from(s, "utf8")) {
    out += b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c && b !== 0x3f ? String.fromCharCode(b) : `\\${b.toString(8).padStart(3, "0")}`;
  }
  return out + '"';
}

/** A printf format literal that prints `s` verbatim (`%` doubled). */
export function cFormatText(s: string): string {
  return s.replace(/%/g, "%%");
}
