// Requests whose generated model class carries methods (convertValues, for
// nested models) cannot be written as object literals. model() builds the
// class from its plain fields: the fields are type-checked against the
// generated class, and its constructor builds the nested models.
import type { Plain } from './types'

export function model<M>(cls: { createFrom(source: unknown): M }, fields: Plain<M>): M {
  return cls.createFrom(fields)
}
