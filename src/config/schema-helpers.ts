// Small schema builders shared by the schema files.
import { z } from 'zod';

export const seconds = (what: string) => z.number().int().min(0).describe(`${what}, in seconds`);
export const port = () => z.number().int().min(1).max(65535);
