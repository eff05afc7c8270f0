import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { APP_CONFIG, AppConfig } from '@amani/config';
import { SeaModule } from '@amani/domain/sea';
import { ReportPageController } from './report-page.controller';

/** The complainant web pages under /report. */
@Module({
  imports: [
    SeaModule,
    // Memory storage (no destination): evidence never touches the disk in clear. The file cap
    // stops reading as soon as it is passed (413); the form's own fields fit the other limits.
    MulterModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        limits: { fileSize: config.attachments.maxBytes, files: 1, fields: 20, fieldSize: 64 * 1024, parts: 24, headerPairs: 20 },
      }),
    }),
  ],
  controllers: [ReportPageController],
})
export class ReportPageModule {}
