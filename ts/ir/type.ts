// Type annotations of variables beyond a plain dtype: pointers into memory (TVM's PointerType).
// A buffer's data variable has dtype handle and annotation Pointer(<element dtype>).

import { DataType } from "./dtype.js";

export class PointerType {
  constructor(
    readonly elementType: DataType,
    readonly storageScope = "",
  ) {}

  toString(): string {
    return `Pointer(${this.storageScope ? this.storageScope + " " : ""}${this.elementType})`;
  }
}
