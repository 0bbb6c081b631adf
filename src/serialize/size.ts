/** Rough JSON size of a finite number, whichever copy counts it: an estimate is all the queue bound needs. */
export const NUMBER_BYTES = 8;
