/** Where `npm start`'s SMTP sink listens unless MAIL_SINK_PORT says (the port Mailpit and MailHog use). */
export const DEFAULT_MAIL_SINK_PORT = 1025;
