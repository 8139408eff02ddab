import { z } from 'zod';

/** An ISO 8601 date-time with a timezone (`2024-01-31T12:00:00Z`, `2024-01-31T13:00:00.000+01:00`). */
export const IsoDateTimeSchema = z.iso.datetime({ offset: true });
