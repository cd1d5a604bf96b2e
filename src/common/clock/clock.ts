/** The source of the current time. Rules take `now` as an argument; services get it from here. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
