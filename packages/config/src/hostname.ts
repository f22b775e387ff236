/** A hostname: labels of letters, digits, "_" and "-" (decK's rule for hosts and upstream names). */
export const hostnameRe =
  /^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})?(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})?)*\.?$/;
