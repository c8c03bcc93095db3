/**
 * Ids that people type and paste: 64 url-safe characters (nanoid's
 * alphabet), but never starting with '-' or '_'. An id starting with '-'
 * reads as an option on a command line (`mpr key revoke -Uab…` was refused
 * as "Unknown option 'U'"), which came up for one id in 32.
 */
import { customAlphabet, nanoid } from 'nanoid';

const first = customAlphabet('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 1);

/** A new id of `size` characters (at least 2). */
export const newId = (size: number): string => first() + nanoid(Math.max(1, size - 1));
