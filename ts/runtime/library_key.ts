// The name of a compiled library in the cache: a SHA-256 of everything the library depends on.
// That is the C source, the ABI header it includes, the compiler's identity (path and version)
// and the flags, and, when a flag asks the compiler to target the machine it runs on
// (-march=native, -mtune=native, -mcpu=native), the host CPU's identity and features: the same
// source built with -march=native on an AVX-512 machine holds instructions an AVX2 machine cannot
// run, so a cache directory shared between machines (a network home, a copied container image)
// must not hand that library to the other one.
import { createHash } from "node:crypto";

/** What a library in the cache is built from. */
export interface LibraryKeyParts {
  /** The ABI header's bytes (native/tejit_abi.h). */
  abiHeader: Uint8Array | string;
  /** The compiler's identity: its path and version output. */
  compilerIdentity: string;
  /** Every flag passed to the compiler, in order. */
  flags: readonly string[];
  /** The C source. */
  cSource: string;
  /** The host CPU's identity and features; read only when a flag targets the host. */
  hostCpu: () => string;
}

const HOST_TARGET_FLAG = /^-m(arch|tune|cpu)=native$/;

/** Whether the flags make the compiler's output depend on the machine it runs on. */
export function targetsHost(flags: readonly string[]): boolean {
  return flags.some((f) => HOST_TARGET_FLAG.test(f));
}

/** The library's cache key (hex SHA-256). */
export function libraryKey(p: LibraryKeyParts): string {
  const hash = createHash("sha256")
    .update("tejit-abi-1\0")
    .update(p.abiHeader)
    .update("\0")
    .update(p.compilerIdentity)
    .update("\0")
    .update(p.flags.join("\0"))
    .update("\0");
  if (targetsHost(p.flags)) hash.update("host-cpu\0").update(p.hostCpu()).update("\0");
  return hash.update(p.cSource).digest("hex");
}
