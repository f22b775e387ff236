"use client";

import { useEffect } from "react";

/**
 * Runs `load` (an async loader that sets state when its request answers) after render and whenever it
 * changes identity (wrap it in useCallback with its inputs).
 */
export function useLoad(load: () => Promise<void>): void {
  useEffect(() => {
    void Promise.resolve().then(load);
  }, [load]);
}
